// The agent's environment settings: durations, rates, kinds, and bad values that fall back instead of failing.
import { describe, expect, it } from 'vitest';
import { readAgentConfig } from '../src/agent/config.js';
import { agentNodeOptions } from '../src/agent/node-options.js';

describe('readAgentConfig', () => {
  it('is off without a directory', () => {
    expect(readAgentConfig({}, ['node', 'x.js']).config).toBeUndefined();
  });

  it('reads windows as 500ms, 10s or 1m, the rate in Hz, the heap switch and the kind', () => {
    const base = { CRAWL_DIAG_PROFILE_DIR: '/tmp/rec' };
    expect(readAgentConfig(base, ['node', '/app/worker.js']).config).toMatchObject({ windowMs: 30_000, rateHz: 100, heap: false, kind: 'worker', waits: true, waitsEveryStack: false });
    expect(readAgentConfig({ ...base, CRAWL_DIAG_PROFILE_WAITS: '0' }, ['node', '/app/worker.js']).config).toMatchObject({ waits: false });
    expect(readAgentConfig({ ...base, CRAWL_DIAG_PROFILE_WAITS: 'all' }, ['node', '/app/worker.js']).config).toMatchObject({ waits: true, waitsEveryStack: true });
    expect(readAgentConfig({ ...base, CRAWL_DIAG_PROFILE_WINDOW: '500ms' }).config?.windowMs).toBe(500);
    expect(readAgentConfig({ ...base, CRAWL_DIAG_PROFILE_WINDOW: '10s' }).config?.windowMs).toBe(10_000);
    expect(readAgentConfig({ ...base, CRAWL_DIAG_PROFILE_WINDOW: '1m' }).config?.windowMs).toBe(60_000);
    expect(readAgentConfig({ ...base, CRAWL_DIAG_PROFILE_RATE: '250' }).config?.rateHz).toBe(250);
    expect(readAgentConfig({ ...base, CRAWL_DIAG_PROFILE_HEAP: '1' }).config?.heap).toBe(true);
    expect(readAgentConfig({ ...base, CRAWL_DIAG_PROCESS_KIND: 'super visor' }).config?.kind).toBe('super_visor');
    expect(readAgentConfig(base, ['node']).config?.kind).toBe('node');
  });

  it('falls back to the defaults with a warning on values it cannot read', () => {
    const r = readAgentConfig({ CRAWL_DIAG_PROFILE_DIR: '/tmp/rec', CRAWL_DIAG_PROFILE_WINDOW: 'soon', CRAWL_DIAG_PROFILE_RATE: '-3', CRAWL_DIAG_PROFILE_WAITS: 'some' });
    expect(r.config).toMatchObject({ windowMs: 30_000, rateHz: 100, waits: true, waitsEveryStack: false });
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings[2]).toMatch(/CRAWL_DIAG_PROFILE_WAITS=some is not 0 \(off\), 1 \(on\) or all/);
    expect(r.warnings[0]).toMatch(/CRAWL_DIAG_PROFILE_WINDOW=soon/);
  });
});

describe('agentNodeOptions', () => {
  it('imports the compiled agent by absolute URL and passes the directory and kind by environment', () => {
    const o = agentNodeOptions('/tmp/rec', 'supervisor');
    expect(o.execArgv).toHaveLength(1);
    expect(o.execArgv[0]).toMatch(/^--import=file:\/\/\/.*\/packages\/profiler\/dist\/agent\.js$/);
    expect(o.env).toEqual({ CRAWL_DIAG_PROFILE_DIR: '/tmp/rec', CRAWL_DIAG_PROCESS_KIND: 'supervisor' });
  });
});
