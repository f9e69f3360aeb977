/** What a proxy has carried so far and holds now, for tests and the bench's report. */
export interface LinkStats {
  /** Connections open now: accepted and not yet closed on both sides. */
  readonly connections: number;
  /** Connections accepted since the proxy started. */
  readonly totalConnections: number;
  /** Bytes forwarded from clients to the target. */
  readonly bytesUp: number;
  /** Bytes forwarded from the target to clients. */
  readonly bytesDown: number;
  /**
   * Bytes the proxy holds now, over every connection and both directions: in its delay lines and
   * in its sockets' write buffers. Bounded by the `maxQueuedBytes` of each direction plus a
   * socket buffer and a chunk, however slowly a receiver reads.
   */
  readonly queuedBytes: number;
}
