/** Shows what runs: a bar with the time left on a terminal, one plain line per cell otherwise. */
export function progressReporter(stream: NodeJS.WriteStream): (progress: { done: number; total: number; cell: string }) => void {
  const started = Date.now();
  return function report({ done, total, cell }) {
    const elapsed = (Date.now() - started) / 1000;
    const left = done > 0 ? Math.round((elapsed / done) * (total - done)) : undefined;
    const eta = left === undefined ? '' : ` ~${left} s left`;
    if (!stream.isTTY) {
      if (cell) stream.write(`[${done + 1}/${total}] ${cell}${eta}\n`);
      return;
    }
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    stream.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${eta}  ${cell}`
        .padEnd(stream.columns ?? 100)
        .slice(0, (stream.columns ?? 100) - 1),
    );
    if (done === total) stream.write('\n');
  };
}
