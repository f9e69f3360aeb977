import type { CliIo } from './cli-io.js';

/** Fields of a JSON line beyond `time` and `msg`. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Where `govc serve` says what it does itself (listening, closing, failing): human text, or with
 * `--log json` one JSON line each, shaped as the per-call lines of `createCallLog`, so that a log
 * collector reading those parses these too.
 */
export interface ServeLog {
  /** The banner, on stdout (tools read the URL off it): `text` as it is, or a JSON line with `msg` and `fields`. */
  banner(msg: string, text: string, fields: LogFields): void;
  /** A line on stderr: `govc: text`, or a JSON line with `msg` and `fields`. */
  note(msg: string, text: string, fields?: LogFields): void;
}

/** A {@link ServeLog} writing to `io`: JSON lines when `json`, else text; `now` stamps the JSON lines. */
export function createServeLog(io: CliIo, json: boolean, now: () => number = Date.now): ServeLog {
  function jsonLine(msg: string, fields: LogFields): string {
    // `time` and `msg` first, as in the per-call lines.
    return `${JSON.stringify({ time: new Date(now()).toISOString(), msg, ...fields })}\n`;
  }
  return {
    banner(msg, text, fields) {
      io.stdout.write(json ? jsonLine(msg, fields) : `${text}\n`);
    },
    note(msg, text, fields = {}) {
      io.stderr.write(json ? jsonLine(msg, fields) : `govc: ${text}\n`);
    },
  };
}
