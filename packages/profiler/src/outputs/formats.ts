// The output formats and their file extensions, apart from the writers so that a command can check a format
// name before it loads any of them.
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
