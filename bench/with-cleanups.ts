/**
 * The harness of every benchmark and on-demand suite: the body registers cleanups (stop Postgres, remove the temp
 * folder, kill child processes, ...) as it starts things; they run once, newest first, whether the body succeeds,
 * fails, or the process gets Ctrl-C / SIGTERM (then it exits 130).
 */
export type Cleanups = (() => Promise<void>)[];

export async function withCleanups<T>(body: (cleanups: Cleanups) => Promise<T>, log: (line: string) => void, beforeCleanup?: () => void): Promise<T> {
  const cleanups: Cleanups = [];
  // One cleanup, however many callers: a signal and the failure it causes in the body both wait for the same one.
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      beforeCleanup?.();
      for (const fn of cleanups.reverse()) await fn().catch((err) => log(`cleanup: ${(err as Error).message}`));
    })());
  let interrupted = false;
  const onSignal = (signal: string) => {
    interrupted = true;
    log(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  try {
    return await body(cleanups);
  } catch (err) {
    // Interrupted: the errors are the connections being closed under us; the signal handler exits.
    if (interrupted) return new Promise<T>(() => {});
    throw err;
  } finally {
    await cleanup();
  }
}

/** A cleanup that runs its work once, however often it is called (registered and also called early). */
export const once = (fn: () => Promise<void>) => {
  let p: Promise<void> | null = null;
  return () => (p ??= fn());
};
