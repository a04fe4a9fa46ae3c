#!/usr/bin/env node
// Runs every test suite through vitest and ends with the plain "N passed, N failed, N skipped" line CI reads.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const out = '.test-results/vitest.json';
// Every test app's log (trace level) lands here; test/support/global-setup.ts scans it for Kustomer keys at the end.
const runDir = '.test-results/run';
const scanFile = `${runDir}/log-scan.json`;
fs.mkdirSync('.test-results', { recursive: true });
fs.rmSync(out, { force: true });
fs.rmSync(runDir, { recursive: true, force: true });
const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, BRIDGEDESK_TEST_RUN_DIR: runDir },
});
let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(out)) {
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  passed = report.numPassedTests;
  skipped = report.numPendingTests + (report.numTodoTests ?? 0);
  // A file that failed to load has no tests; count it as a failure so it cannot pass silently.
  const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  failed = report.numFailedTests + brokenFiles;
} else {
  failed = 1;
}
// The log scan is one more check of the run: a Kustomer key in any log line, or no scan at all, is a failure.
if (fs.existsSync(scanFile)) {
  const scan = JSON.parse(fs.readFileSync(scanFile, 'utf8'));
  if (scan.leaks.length) {
    failed += 1;
    console.log(`FAIL log scan: a Kustomer API key appears in ${scan.leaks.length} log line(s); logs kept in ${runDir}/logs`);
    for (const leak of scan.leaks.slice(0, 10)) console.log(`  ${leak.file}:${leak.line} (${leak.form}): ${leak.excerpt}`);
  } else {
    passed += 1;
    console.log(`log scan: ${scan.lines} log lines in ${scan.files} files, none holds any of ${scan.secrets} Kustomer keys`);
  }
} else {
  failed += 1;
  console.log(`FAIL log scan: ${scanFile} was not written (did the global teardown run?)`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(result.status === 0 && failed === 0 ? 0 : 1);
