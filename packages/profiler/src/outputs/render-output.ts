// Picks the writer for an output format: every format reads only the Profile model.
import type { Profile } from '../model.js';
import { ProfilerError } from '../errors.js';
import { toFolded } from './folded.js';

export const OUTPUT_FORMATS = ['html', 'svg', 'folded', 'speedscope', 'pprof', 'cpuprofile'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const FORMAT_EXTENSIONS: Record<OutputFormat, string> = {
  html: 'html',
  svg: 'svg',
  folded: 'folded',
  speedscope: 'speedscope.json',
  pprof: 'pb.gz',
  cpuprofile: 'cpuprofile',
};

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

export interface RenderOptions {
  /** Title shown in HTML/SVG flame graphs. Default: the profiled processes. */
  title?: string;
}

/** The bytes of a profile in one output format. */
export async function renderProfile(profile: Profile, format: string, opts: RenderOptions = {}): Promise<Uint8Array> {
  if (!isOutputFormat(format)) {
    throw new ProfilerError('bad-input', `unknown format '${format}'; use one of ${OUTPUT_FORMATS.join(', ')}`, 2);
  }
  void opts;
  switch (format) {
    case 'folded':
      return Buffer.from(toFolded(profile));
    default:
      throw new ProfilerError('bad-input', `format '${format}' is not built yet`, 2);
  }
}
