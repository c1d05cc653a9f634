// A V8 `.cpuprofile` file (Chrome DevTools, VS Code, `crawl-diag flame -f cpuprofile`) read into the model; the
// format and its conversion are in v8-cpuprofile.ts, shared with the inspector collector.
import type { Profile } from '../model.js';
import { ProfileBuilder } from '../profile-builder.js';
import { RecordingError } from '../recording/errors.js';
import { addCpuProfile, type V8CpuProfile } from '../v8-cpuprofile.js';

export function readCpuProfile(text: string, source: string): Profile {
  let parsed: V8CpuProfile;
  try {
    parsed = JSON.parse(text) as V8CpuProfile;
  } catch (err) {
    throw new RecordingError(`${source} is not valid JSON (${(err as Error).message}); a .cpuprofile is V8's CPU profile JSON`);
  }
  if (!Array.isArray(parsed.nodes)) throw new RecordingError(`${source} has no 'nodes': not a V8 .cpuprofile`);
  const builder = new ProfileBuilder();
  addCpuProfile(builder, parsed);
  return builder.build({
    startTimeMs: 0,
    durationMs: (parsed.endTime - parsed.startTime) / 1000,
    intervalUs: 1000,
    collector: 'file',
    processes: [],
  });
}
