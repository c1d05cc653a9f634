// Life of a spawned crawler process: stop when the parent is gone, report a fatal error as one line, and exit
// only once the last IPC message has left.

/** When the IPC channel to the parent closes (parent killed), run `onLoss` (a graceful stop). */
export function exitOnParentLoss(onLoss: () => void): void {
  if (!process.connected) return;
  process.once('disconnect', onLoss);
}

/**
 * Sends a message to the parent when there is one. With a callback, a send racing the parent's death reports the
 * closed channel there (the message is dropped: this process is about to stop) instead of as an unhandled
 * 'error' event with a stack trace.
 */
export function sendToParent(msg: unknown): void {
  if (process.connected) process.send?.(msg, undefined, undefined, () => {});
}

/** Sends a last message to the parent (when there is one), then exits with `code`. */
export function sendThenExit(msg: unknown, code: number): void {
  if (!process.send || !process.connected) process.exit(code);
  process.send(msg, () => process.exit(code));
}

/** Prints an error as one line (stack only for unexpected ones) and exits non-zero. */
export function reportFatal(err: unknown): void {
  const e = err as { message?: string; exitCode?: number; stack?: string };
  const text = typeof e?.exitCode === 'number' ? e.message : (e?.stack ?? String(err));
  process.stderr.write(`crawl-diag: ${text}\n`);
  process.exit(typeof e?.exitCode === 'number' ? e.exitCode : 1);
}
