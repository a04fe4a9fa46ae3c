/**
 * CPU time used by a Postgres server since it started, in ms (Linux only; null elsewhere): the postmaster's own, its
 * live children's (backends, autovacuum, checkpointer, ...), and that of the children that have already exited,
 * which the postmaster has reaped (its cutime/cstime). Counting the live backends alone misses every connection
 * that closed meanwhile, e.g. a pool's idle connections.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | null = null;
const clockTicks = () => {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
};

/** The fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime. */
function statFields(pid: number): string[] | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

export function postgresCpuMs(postmasterPid: number): number | null {
  const pm = statFields(postmasterPid);
  if (!pm) return null;
  let ticks = Number(pm[11]) + Number(pm[12]) + Number(pm[13]) + Number(pm[14]);
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[1]) === postmasterPid) ticks += Number(f[11]) + Number(f[12]);
  }
  return (ticks * 1000) / clockTicks();
}
