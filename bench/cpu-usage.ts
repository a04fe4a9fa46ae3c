/**
 * How busy the machine was with work other than the benchmark's own processes while it measured (Linux only).
 * A loaded machine turns p99 into a measure of the scheduler, so the report says how much CPU others used.
 */
import fs from 'node:fs';

export interface CpuSnapshot {
  /** all CPUs, in clock ticks */
  busy: number;
  total: number;
  steal: number;
  /** ticks used by the processes we count as ours */
  ours: number;
}

export interface CpuUsage {
  /** share of the whole machine (0..1) used by other processes */
  others: number;
  /** share of the whole machine used by our processes */
  ours: number;
  /** share stolen by the hypervisor */
  steal: number;
}

function readProcStat(): { busy: number; total: number; steal: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return { busy, total: busy + idle! + iowait!, steal: steal! };
  } catch {
    return null;
  }
}

function statFields(pid: number): string[] | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may hold spaces and parentheses: the fields we need follow the last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** CPU ticks of `pids` and of every direct child of `parents` (the Postgres backends of a postmaster). */
function ticksOf(pids: number[], parents: number[]): number {
  const wanted = new Set(pids);
  if (parents.length) {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const f = statFields(Number(name));
      if (f && parents.includes(Number(f[1]))) wanted.add(Number(name));
    }
  }
  let ticks = 0;
  for (const pid of wanted) {
    const f = statFields(pid);
    // after the comm: [0] state, [1] ppid, ... [11] utime, [12] stime
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks;
}

export function cpuSnapshot(pids: number[], parents: number[]): CpuSnapshot | null {
  const stat = readProcStat();
  if (!stat) return null;
  return { ...stat, ours: ticksOf(pids, parents) };
}

export function cpuUsage(before: CpuSnapshot | null, after: CpuSnapshot | null): CpuUsage | null {
  if (!before || !after) return null;
  const total = after.total - before.total;
  if (total <= 0) return null;
  const ours = Math.max(0, after.ours - before.ours);
  const busy = after.busy - before.busy;
  return { others: Math.max(0, busy - ours - (after.steal - before.steal)) / total, ours: ours / total, steal: (after.steal - before.steal) / total };
}
