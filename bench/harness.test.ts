import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseOptions, type OptionSpec } from './harness.ts';

const SPECS = {
  requests: { kind: 'int', env: 'BENCH_T_REQUESTS', default: 100, help: 'requests' },
  warmup: { kind: 'int', env: 'BENCH_T_WARMUP', default: 5, min: 0, help: 'warm-up' },
  'pool-size': { kind: 'int?', env: 'BENCH_T_POOL', help: 'pool' },
  share: { kind: 'share', env: 'BENCH_T_SHARE', default: 0.1, help: 'share' },
  keep: { kind: 'switch', env: 'BENCH_T_KEEP', help: 'keep' },
  json: { kind: 'text', env: 'BENCH_T_JSON', help: 'file' },
} satisfies Record<string, OptionSpec>;

describe('benchmark options', () => {
  it('takes a flag over its environment variable, the variable over the default', () => {
    process.env.BENCH_T_REQUESTS = '7';
    process.env.BENCH_T_KEEP = '1';
    try {
      expect(parseOptions('t', 't', SPECS, ['--warmup', '0', '--json', 'out.json'])).toEqual({
        requests: 7,
        warmup: 0,
        'pool-size': undefined,
        share: 0.1,
        keep: true,
        json: 'out.json',
      });
      expect(parseOptions('t', 't', SPECS, ['--requests', '9']).requests).toBe(9);
    } finally {
      delete process.env.BENCH_T_REQUESTS;
      delete process.env.BENCH_T_KEEP;
    }
  });

  it('refuses a value out of range, naming the flag and its variable, and an unknown flag', () => {
    expect(() => parseOptions('t', 't', SPECS, ['--requests', '0'])).toThrow('--requests / BENCH_T_REQUESTS must be an integer >= 1, got "0"');
    expect(() => parseOptions('t', 't', SPECS, ['--share', '1'])).toThrow('--share / BENCH_T_SHARE must be a share in [0, 1), got "1"');
    expect(() => parseOptions('t', 't', SPECS, ['--nope'])).toThrow(/nope/);
  });

  // Each benchmark parses its options before it starts anything: --help answers at once.
  it.each([
    ['api', ['--requests', '--samples', '--warmup', '--explain', '--keep', '--json', '--in-process']],
    ['escalation', ['--only', '--latency-ms', '--a-escalations', '--b-budget', '--c-in-flight', '--pool-size', '--cpu-prof']],
    ['sync', ['--events', '--conversations', '--duplicate-share', '--late-share', '--backlog', '--statements']],
    ['workflows', ['--requests', '--concurrency', '--lanes', '--requesters', '--poll-ms', '--json']],
  ])('bench:%s --help lists its options with their environment variables and exits 0', async (name, flags) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', `bench/${name}.bench.ts`, '--help']);
    for (const flag of flags) expect(stdout).toMatch(new RegExp(`^  ${flag}\\b.* BENCH_`, 'm'));
  });
});
