#!/usr/bin/env node
// Runs every test suite through vitest and ends with the plain "N passed, N failed, N skipped" line CI reads.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const out = '.test-results/vitest.json';
fs.mkdirSync('.test-results', { recursive: true });
fs.rmSync(out, { force: true });
const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
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
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(result.status === 0 && failed === 0 ? 0 : 1);
