/**
 * scripts/run-tests.js, the `npm test` entry point: its closing "N passed, N failed, N skipped" line must agree
 * with its exit code, also when suites fail before running a test (a missing module, a beforeAll that throws).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const fixtures = 'test/fixtures/run-tests';
const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-run-tests-'));
afterAll(() => fs.rmSync(resultsDir, { recursive: true, force: true }));

function runTests(...files: string[]) {
  // The outer vitest's variables would make the inner run think it is a worker of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST'));
  const r = spawnSync('node', ['scripts/run-tests.js', '--config', `${fixtures}/vitest.config.ts`, ...files], {
    cwd: root,
    env: { ...env, BRIDGEDESK_TEST_RESULTS_DIR: resultsDir, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = r.stdout.trim().split('\n');
  return { status: r.status, summary: lines.at(-1), output: r.stdout + r.stderr };
}

describe('npm test summary line', () => {
  it('counts a suite that fails to load and a suite whose beforeAll throws as failed, and exits 1', () => {
    const r = runTests();
    // 2 passing tests + the log scan; 1 for the file that did not load + 3 tests that never ran.
    expect(r.summary).toBe('3 passed, 4 failed, 0 skipped');
    expect(r.status).toBe(1);
    expect(r.output).toContain("FAIL test/fixtures/run-tests/fails-to-load.fixture.ts: Cannot find module './no-such-module.ts'");
    expect(r.output).toContain('FAIL test/fixtures/run-tests/before-all-throws.fixture.ts');
  });

  it('says 0 failed and exits 0 only when every suite passed', () => {
    const r = runTests('passes.fixture.ts');
    expect(r.summary).toBe('3 passed, 0 failed, 0 skipped');
    expect(r.status).toBe(0);
  });
});
