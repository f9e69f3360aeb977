import type { GovcClient, Transport } from '@govc/core';
import type { Workload } from '../workloads/workload.js';

/** One codec and compression combination a target runs. */
export interface Variant {
  readonly codec: 'json' | 'msgpack';
  readonly gzip: boolean;
}

/** The `govc serve` child process remote targets call. */
export interface BenchServer {
  readonly url: string;
  readonly pid: number;
}

/** A client connected through one target, and who does its server work. */
export interface Connection {
  readonly client: GovcClient;
  /** The transport under `client`, for workloads that compose their own middleware over it; baselines have none. */
  readonly transport?: Transport;
  /** The process that does the server work, for its CPU time (this process for in-process targets). */
  readonly serverPid: number;
  close(): Promise<void>;
}

/**
 * A way of reaching govc: how to make its `Transport` (and, for remote targets, which server it
 * calls). One small file per transport, so a new transport package adds a target file and a
 * baseline file and nothing else.
 */
export interface Target {
  /** Short, for tables and `--targets`: `in-process`, `http1`, `http2`. */
  readonly name: string;
  /** One sentence for the report. */
  readonly about: string;
  /** Calls the `govc serve` child (else the service runs in this process, or the target runs a server of its own). */
  readonly remote: boolean;
  /** The variants it supports; the first is its default. */
  readonly variants: readonly Variant[];
  /** Whether it runs `workload` (the baselines make only some calls). Default: every workload. */
  supports?(workload: Workload): boolean;
  connect(variant: Variant, server: BenchServer | undefined): Promise<Connection>;
  /** Frees what it kept across connections (a server process of its own); called once after the run. */
  dispose?(): Promise<void>;
}

/** `json+gzip` and the like, for tables and JSON keys. */
export function variantName(variant: Variant): string {
  return `${variant.codec}${variant.gzip ? '+gzip' : ''}`;
}

/** Every codec with and without gzip, MessagePack without gzip first (the default). */
export const allVariants: readonly Variant[] = [
  { codec: 'msgpack', gzip: false },
  { codec: 'msgpack', gzip: true },
  { codec: 'json', gzip: false },
  { codec: 'json', gzip: true },
];
