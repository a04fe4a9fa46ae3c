#!/usr/bin/env node
// How many lines each commit added to or removed from src/, for telling one piece of work's share of the tree's size
// from the features built beside it. Usage: node scripts/line-ledger.js <from> <to> [--sum <commit,commit,...>]
// One row per first-parent commit in from..to (a merge counts as its whole branch): the raw change, and the change
// once both sides of every touched file are formatted with today's Prettier config, so a reformat counts for what it
// changed, not for how many lines it re-wrapped. --sum adds up the rows of the commits named (a prefix of each hash).
import { execFileSync } from 'node:child_process';
import prettier from 'prettier';

const [from, to, flag, list] = process.argv.slice(2);
if (!from || !to || (flag && flag !== '--sum')) {
  console.error('usage: node scripts/line-ledger.js <from> <to> [--sum <commit,commit,...>]');
  process.exit(2);
}
const git = (...args) => execFileSync('git', args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
const config = JSON.parse(git('show', 'HEAD:.prettierrc.json'));
const lineCount = (text) => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));

/** [raw lines, formatted lines] of a file at a commit; [0, 0] where it does not exist. */
async function linesAt(rev, file) {
  let text;
  try {
    text = git('show', `${rev}:${file}`);
  } catch {
    return [0, 0];
  }
  // Files Prettier does not format (SQL, ...) count as they are.
  const formatted = await prettier.format(text, { ...config, filepath: file }).catch(() => text);
  return [lineCount(text), lineCount(formatted)];
}

const summed = new Set((list ?? '').split(',').filter(Boolean));
const total = { raw: 0, formatted: 0 };
const sum = { raw: 0, formatted: 0 };
for (const commit of git('rev-list', '--first-parent', '--reverse', `${from}..${to}`).trim().split('\n').filter(Boolean)) {
  let raw = 0;
  let formatted = 0;
  for (const file of git('diff', '--name-only', `${commit}^1`, commit, '--', 'src').trim().split('\n').filter(Boolean)) {
    const [rawBefore, formattedBefore] = await linesAt(`${commit}^1`, file);
    const [rawAfter, formattedAfter] = await linesAt(commit, file);
    raw += rawAfter - rawBefore;
    formatted += formattedAfter - formattedBefore;
  }
  const inSum = [...summed].some((prefix) => commit.startsWith(prefix));
  total.raw += raw;
  total.formatted += formatted;
  if (inSum) {
    sum.raw += raw;
    sum.formatted += formatted;
  }
  console.log(
    `${inSum ? '*' : ' '} ${commit.slice(0, 7)} ${String(raw).padStart(6)} ${String(formatted).padStart(6)}  ${git('log', '-1', '--format=%s', commit).trim().slice(0, 90)}`,
  );
}
console.log(`  all commits   raw ${total.raw}, formatted ${total.formatted}`);
if (summed.size) console.log(`* commits summed (${summed.size} named)   raw ${sum.raw}, formatted ${sum.formatted}`);
