/** Where the CLI writes: `process` in the `govc` bin, something else in a test. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Environment variables (`GOVC_TOKENS`); none when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}
