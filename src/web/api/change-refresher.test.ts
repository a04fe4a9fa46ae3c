import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { createChangeRefresher, type Later } from './change-refresher.ts';
import { keys } from './keys.ts';

const REQUEST = '5d0c6a40-7f4e-4a51-9a2b-0c1d2e3f4a5b';

/** A timeline whose server state is `server.files`; each fetch reads it when it starts and answers when released. */
function timelineQuery(qc: QueryClient) {
  const server = { files: 0 };
  const pending: (() => void)[] = [];
  let fetches = 0;
  const observer = new QueryObserver(qc, {
    queryKey: keys.timeline(REQUEST),
    queryFn: () => {
      fetches += 1;
      const seen = server.files;
      return new Promise<number>((resolve) => pending.push(() => resolve(seen)));
    },
  });
  const unsubscribe = observer.subscribe(() => {});
  return {
    server,
    fetches: () => fetches,
    release: () => pending.splice(0).forEach((answer) => answer()),
    data: () => observer.getCurrentResult().data,
    unsubscribe,
  };
}

/** Batches flushed when the test says so. */
function manualBatches() {
  const due: (() => void)[] = [];
  const later: Later = (flush) => {
    due.push(flush);
    return { cancel: () => due.splice(due.indexOf(flush), 1) };
  };
  return { later, flush: () => due.splice(0).forEach((flush) => flush()) };
}

describe('live change refresher', () => {
  const stops: (() => void)[] = [];
  afterEach(() => stops.splice(0).forEach((stop) => stop()));

  /** An open timeline, its first fetch answered, and a refresher whose batches the test flushes. */
  async function loaded() {
    const qc = new QueryClient();
    const timeline = timelineQuery(qc);
    const batches = manualBatches();
    const refresher = createChangeRefresher(qc, batches.later);
    stops.push(timeline.unsubscribe, refresher.stop);
    await expect.poll(timeline.fetches).toBe(1);
    timeline.release();
    await expect.poll(timeline.data).toBe(0);
    return { qc, timeline, batches, refresher };
  }

  it('fetches a timeline again when a change arrives while an earlier fetch is still running, so the later change shows', async () => {
    const { timeline, batches, refresher } = await loaded();

    // The note arrives: its refetch starts and is still running when the note's file is attached.
    refresher.change(REQUEST);
    batches.flush();
    await expect.poll(timeline.fetches).toBe(2);
    timeline.server.files = 1;
    refresher.change(REQUEST);
    batches.flush();
    expect(timeline.fetches()).toBe(2);

    // The running fetch answers what it read before the file: one more fetch follows, and shows the file.
    timeline.release();
    await expect.poll(timeline.fetches).toBe(3);
    timeline.release();
    await expect.poll(timeline.data).toBe(1);
  });

  it('refreshes once for a burst of changes to the same request', async () => {
    const { qc, timeline, batches, refresher } = await loaded();

    for (let i = 0; i < 10; i += 1) refresher.change(REQUEST);
    batches.flush();
    await expect.poll(timeline.fetches).toBe(2);
    timeline.release();
    await expect.poll(() => qc.getQueryState(keys.timeline(REQUEST))?.fetchStatus).toBe('idle');
    expect(timeline.fetches()).toBe(2);
  });
});
