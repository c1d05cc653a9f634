// `--frame NAME`: a substring of the frame's label (`name (file:line)`), or a regex written `/…/flags`.
import type { Frame } from '../model.js';
import { diffFrameLabel } from '../diff/frame-key.js';
import { RecordingError } from './errors.js';

export interface FrameMatcher {
  text: string;
  test(frame: Frame): boolean;
}

export function frameMatcher(text: string): FrameMatcher {
  if (!text) throw new RecordingError('--frame needs a name: a substring of the function name (frontierQuery) or a regex (/scan|query/i)');
  const regex = /^\/(.+)\/([a-z]*)$/.exec(text);
  if (regex) {
    let re: RegExp;
    try {
      re = new RegExp(regex[1], regex[2]);
    } catch (err) {
      throw new RecordingError(`--frame ${text} is not a valid regex (${(err as Error).message})`);
    }
    return { text, test: (f) => re.test(diffFrameLabel(f)) };
  }
  return { text, test: (f) => diffFrameLabel(f).includes(text) };
}
