// Where a Node process's inspector will listen when SIGUSR1 opens it, and whether it was opened at start,
// read from its command line and NODE_OPTIONS (--inspect, --inspect-brk, --inspect-wait, --inspect-port).
// Node's defaults: 127.0.0.1:9229.

export interface InspectorFlags {
  host: string;
  /** 0 means "any free port" (each process gets its own). */
  port: number;
  /** The inspector was asked for at start (--inspect*), so it may be open already. */
  openAtStart: boolean;
  /** --disable-sigusr1 (Node ≥ 22.14): SIGUSR1 does not open the inspector. */
  sigusr1Disabled: boolean;
}

const VALUE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-e', '--eval', '-p', '--print', '--inspect-port', '--debug-port', '--title', '--conditions', '-C']);

function parseHostPort(value: string, flags: InspectorFlags): void {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracket) {
    flags.host = bracket[1];
    if (bracket[2] !== undefined) flags.port = Number(bracket[2]);
    return;
  }
  if (/^\d+$/.test(value)) {
    flags.port = Number(value);
    return;
  }
  const colon = value.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(value.slice(colon + 1))) {
    flags.host = value.slice(0, colon);
    flags.port = Number(value.slice(colon + 1));
  } else if (value) {
    flags.host = value;
  }
}

function applyOptions(options: string[], flags: InspectorFlags): void {
  for (let i = 0; i < options.length; i++) {
    const arg = options[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inlineValue = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (name === '--inspect' || name === '--inspect-brk' || name === '--inspect-wait') {
      flags.openAtStart = true;
      if (inlineValue !== undefined) parseHostPort(inlineValue, flags);
    } else if (name === '--inspect-port' || name === '--debug-port') {
      const value = inlineValue ?? options[++i];
      if (value !== undefined) parseHostPort(value, flags);
    } else if (name === '--disable-sigusr1') {
      flags.sigusr1Disabled = true;
    }
  }
}

/** Node options before the script name (later arguments belong to the application). */
function nodeOptionsOf(argv: string[]): string[] {
  const options: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '--') break;
    options.push(arg);
    if (!arg.includes('=') && VALUE_OPTIONS.has(arg) && i + 1 < argv.length) options.push(argv[++i]);
  }
  return options;
}

export function inspectorFlags(argv: string[], nodeOptionsEnv = ''): InspectorFlags {
  const flags: InspectorFlags = { host: '127.0.0.1', port: 9229, openAtStart: false, sigusr1Disabled: false };
  applyOptions(nodeOptionsEnv.split(/\s+/).filter(Boolean), flags);
  applyOptions(nodeOptionsOf(argv), flags);
  return flags;
}
