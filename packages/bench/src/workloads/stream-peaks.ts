import { withPeakRss } from '../measure/peak-rss.js';

const MiB = 1024 * 1024;

/** The highest resident sets of the client and the server over a repetition's streams. */
export class StreamPeaks {
  #clientBytes = 0;
  #serverBytes = 0;

  /** `serverPid` defaults to this process: the in-process targets, or a runner that does not say. */
  constructor(readonly serverPid: number = process.pid) {}

  /** Runs one stream while sampling both processes. */
  async during<T>(stream: () => Promise<T>): Promise<T> {
    const { result, peak } = await withPeakRss(this.serverPid, stream);
    this.#clientBytes = Math.max(this.#clientBytes, peak.clientBytes);
    this.#serverBytes = Math.max(this.#serverBytes, peak.serverBytes);
    return result;
  }

  /** `clientPeakRssMiB` and `serverPeakRssMiB` (the same process for in-process targets). */
  figures(): Record<string, number> {
    return { clientPeakRssMiB: this.#clientBytes / MiB, serverPeakRssMiB: this.#serverBytes / MiB };
  }
}
