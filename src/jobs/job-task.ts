/** Builds the graphile-worker task of a job: its payload parsed against the job's contract (core/jobs.ts), then `run`. */
import type { JobHelpers, Task } from 'graphile-worker';
import { parseJob, type JobName } from '../core/jobs.ts';

export const jobTask =
  <N extends JobName, D>(name: N, run: (deps: D, payload: ReturnType<typeof parseJob<N>>, helpers: JobHelpers) => Promise<unknown>) =>
  (deps: D): Task =>
  async (payload, helpers) => {
    await run(deps, parseJob(name, payload), helpers);
  };
