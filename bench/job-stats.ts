/**
 * Per-task counts and timings of a graphile-worker runner, from its events: how many jobs of each task ran, how long
 * they ran, and how long they waited in the queue (from the job's run_at to a worker picking it up). Benchmark
 * instrumentation: a few object updates per job, no database work.
 */
import type { Runner } from 'graphile-worker';

export interface TaskStats {
  completed: number;
  errors: number;
  /** sum and max of the time the task function ran (ms) */
  runMs: number;
  maxRunMs: number;
  /** sum and max of the time from the job's run_at to its start (ms): time in the queue */
  waitMs: number;
  maxWaitMs: number;
  /** epoch ms (fractional) of the task's first start and last completion */
  firstStartAt: number;
  lastCompleteAt: number;
}

export interface JobStats {
  tasks: Record<string, TaskStats>;
  /** epoch ms (fractional) of the first job start and the last job completion since the last reset */
  firstStartAt: number | null;
  lastCompleteAt: number | null;
}

/** Wall-clock ms with sub-ms precision, comparable between processes on one machine. */
export const epochMs = () => performance.timeOrigin + performance.now();

export function trackJobs(events: Runner['events']): { stats(): JobStats; reset(): void } {
  let tasks: Record<string, TaskStats> = {};
  let firstStartAt: number | null = null;
  let lastCompleteAt: number | null = null;
  const started = new Map<string, number>();
  const of = (task: string, at: number) =>
    (tasks[task] ??= { completed: 0, errors: 0, runMs: 0, maxRunMs: 0, waitMs: 0, maxWaitMs: 0, firstStartAt: at, lastCompleteAt: at });

  events.on('job:start', ({ job }) => {
    const at = epochMs();
    firstStartAt ??= at;
    started.set(job.id, at);
    const wait = Math.max(0, at - new Date(job.run_at).getTime());
    const s = of(job.task_identifier, at);
    s.waitMs += wait;
    s.maxWaitMs = Math.max(s.maxWaitMs, wait);
  });
  events.on('job:complete', ({ job, error }) => {
    const at = epochMs();
    lastCompleteAt = at;
    const s = of(job.task_identifier, at);
    s.lastCompleteAt = at;
    const t0 = started.get(job.id);
    started.delete(job.id);
    if (t0 !== undefined) {
      s.runMs += at - t0;
      s.maxRunMs = Math.max(s.maxRunMs, at - t0);
    }
    if (error) s.errors += 1;
    else s.completed += 1;
  });
  return {
    stats: () => ({ tasks: structuredClone(tasks), firstStartAt, lastCompleteAt }),
    reset() {
      tasks = {};
      firstStartAt = null;
      lastCompleteAt = null;
    },
  };
}
