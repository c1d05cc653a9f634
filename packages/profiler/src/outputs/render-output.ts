// Picks the writer for an output format: every format reads only the Profile model.
import type { Profile } from '../model.js';
import { ProfilerError } from '../errors.js';
import { toCpuProfile } from './cpuprofile.js';
import { renderFlameHtml } from './flame-html.js';
import { renderFlameSvg } from './flame-svg.js';
import { toFolded } from './folded.js';
import { toPprof } from './pprof.js';
import { toSpeedscope } from './speedscope.js';
import { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from './formats.js';

export { OUTPUT_FORMATS, FORMAT_EXTENSIONS, isOutputFormat, type OutputFormat } from './formats.js';

export interface RenderOptions {
  /** Title shown in HTML/SVG flame graphs. Default: the profiled processes. */
  title?: string;
}

/** The bytes of a profile in one output format. */
export function renderProfile(profile: Profile, format: string, opts: RenderOptions = {}): Uint8Array {
  if (!isOutputFormat(format)) {
    throw new ProfilerError('bad-input', `unknown format '${format}'; use one of ${OUTPUT_FORMATS.join(', ')}`, 2);
  }
  switch (format) {
    case 'html':
      return Buffer.from(renderFlameHtml(profile, { title: opts.title }));
    case 'svg':
      return Buffer.from(renderFlameSvg(profile, { title: opts.title }));
    case 'folded':
      return Buffer.from(toFolded(profile));
    case 'speedscope':
      return Buffer.from(JSON.stringify(toSpeedscope(profile, opts.title)));
    case 'pprof':
      return toPprof(profile);
    case 'cpuprofile':
      return Buffer.from(JSON.stringify(toCpuProfile(profile)));
  }
}
