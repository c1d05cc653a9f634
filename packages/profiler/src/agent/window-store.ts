// Writes one window's pprof file into the recording directory atomically (temp file, then rename), so a reader
// never sees a half-written profile, asynchronously in normal running and synchronously while the process exits.
import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

function tempPath(dir: string, finalName: string): string {
  // Dot-prefixed and never ending in .pb.gz: recording readers skip it; a random part keeps the exit-time
  // synchronous write and a still-running asynchronous one from sharing a temp file.
  return join(dir, `.${finalName}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(dir: string, finalName: string, data: Buffer): Promise<void> {
  const tmp = tempPath(dir, finalName);
  try {
    await writeFile(tmp, data);
    await rename(tmp, join(dir, finalName));
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

export function writeFileAtomicSync(dir: string, finalName: string, data: Buffer): void {
  const tmp = tempPath(dir, finalName);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, join(dir, finalName));
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // The temp file was never created: nothing to clean.
    }
    throw err;
  }
}
