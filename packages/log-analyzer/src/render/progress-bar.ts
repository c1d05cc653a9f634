// A one-line progress bar for stderr on a terminal: redrawn at most every 100 ms, erased when done.

export interface ProgressBar {
  update(done: number, total: number): void;
  finish(): void;
}

export function progressBar(stream: NodeJS.WriteStream, label = 'reading'): ProgressBar {
  let lastDraw = 0;
  let drawn = false;
  const started = Date.now();
  return {
    update(done, total) {
      const now = Date.now();
      if (now - lastDraw < 100 || total <= 0) return;
      lastDraw = now;
      const width = Math.max(10, Math.min(40, (stream.columns || 80) - 50));
      const frac = Math.min(1, done / total);
      const filled = Math.round(frac * width);
      const mbps = done / 1e6 / Math.max(0.001, (now - started) / 1000);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
          `${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB ${mbps.toFixed(0)} MB/s`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
