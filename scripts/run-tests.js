#!/usr/bin/env node
// Runs every test suite through vitest and ends with the plain "N passed, N failed, N skipped" line CI reads.
// The line and the exit code always agree: whatever makes the run fail is counted as failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// BRIDGEDESK_TEST_RESULTS_DIR lets a test of this script run it without touching the outer run's results.
const resultsDir = process.env.BRIDGEDESK_TEST_RESULTS_DIR || '.test-results';
const out = path.join(resultsDir, 'vitest.json');
// Every test app's log (trace level) lands here; test/support/global-setup.ts scans it for Kustomer keys at the end.
const runDir = path.join(resultsDir, 'run');
const scanFile = path.join(runDir, 'log-scan.json');
fs.mkdirSync(resultsDir, { recursive: true });
fs.rmSync(out, { force: true });
fs.rmSync(runDir, { recursive: true, force: true });
const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, BRIDGEDESK_TEST_RUN_DIR: runDir },
});

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
if (fs.existsSync(out)) {
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  for (const file of report.testResults) {
    const tests = file.assertionResults;
    const count = (status) => tests.filter((t) => t.status === status).length;
    passed += count('passed');
    const failedHere = count('failed');
    // A file that failed without a failed test (it did not load, or a beforeAll threw): every test it held that did
    // not pass failed with it, or the file counts once when it held none.
    if (file.status === 'failed' && failedHere === 0) {
      const lost = tests.filter((t) => t.status !== 'passed').length;
      failed += Math.max(1, lost);
      problems.push(
        `${path.relative(process.cwd(), file.name)}: ${firstLine(file.message) || 'failed before its tests ran (a beforeAll hook threw: its error is above)'}`,
      );
    } else {
      failed += failedHere;
      skipped += tests.length - count('passed') - failedHere;
    }
  }
} else {
  failed += 1;
  problems.push(`vitest wrote no report (${out}); it exited with ${describeExit(result)}`);
}
// The log scan is one more check of the run: a Kustomer key in any log line, or no scan at all, is a failure.
if (fs.existsSync(scanFile)) {
  const scan = JSON.parse(fs.readFileSync(scanFile, 'utf8'));
  if (scan.leaks.length) {
    failed += 1;
    problems.push(`log scan: a Kustomer API key appears in ${scan.leaks.length} log line(s); logs kept in ${runDir}/logs`);
    for (const leak of scan.leaks.slice(0, 10)) console.log(`  ${leak.file}:${leak.line} (${leak.form}): ${leak.excerpt}`);
  } else {
    passed += 1;
    console.log(`log scan: ${scan.lines} log lines in ${scan.files} files, none holds any of ${scan.secrets} Kustomer keys`);
  }
} else {
  failed += 1;
  problems.push(`log scan: ${scanFile} was not written (did the global teardown run?)`);
}
// vitest failed for a reason no file shows (an unhandled error, a crashed worker): one more failure, so the line
// never says "0 failed" for a red run.
if (result.status !== 0 && failed === 0) {
  failed += 1;
  problems.push(`vitest exited with ${describeExit(result)} though every test passed (unhandled errors? see above)`);
}
for (const p of problems) console.log(`FAIL ${p}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);

function firstLine(text) {
  return (
    (text ?? '')
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? ''
  );
}

function describeExit(r) {
  return r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `status ${r.status}`;
}
