import { describe, expect, it } from 'vitest';
import { APPROVAL_LIFECYCLE } from './approval-lifecycle.ts';
import { defineLifecycle, nextState, sourcesOf } from './lifecycle.ts';
import { RUN_LIFECYCLE } from './run-lifecycle.ts';

describe('lifecycle tables', () => {
  it('give the next state of an allowed move', () => {
    expect(nextState(RUN_LIFECYCLE, 'failed', 'retry')).toBe('running');
    expect(nextState(APPROVAL_LIFECYCLE, 'queued', 'ask')).toBe('pending');
    expect(sourcesOf(APPROVAL_LIFECYCLE, 'cancel')).toEqual(['queued', 'pending']);
  });

  it('refuse a move the table does not list with one clear 409', () => {
    expect(() => nextState(RUN_LIFECYCLE, 'succeeded', 'retry')).toThrow('A workflow run that is succeeded cannot retry (only one that is failed can)');
    try {
      nextState(APPROVAL_LIFECYCLE, 'approved', 'reject');
    } catch (err) {
      expect(err).toMatchObject({ code: 'conflict', details: { lifecycle: 'approval', state: 'approved', event: 'reject' } });
    }
  });

  it('list every state they move to, and never two ways for one event from one state', () => {
    for (const l of [RUN_LIFECYCLE, APPROVAL_LIFECYCLE]) {
      for (const t of l.transitions) for (const s of [...t.from, t.to]) expect(l.states).toContain(s);
    }
    expect(() =>
      defineLifecycle({
        name: 'thing',
        states: ['a', 'b', 'c'],
        initial: 'a',
        transitions: [
          { event: 'go', from: ['a'], to: 'b' },
          { event: 'go', from: ['a'], to: 'c' },
        ],
      }),
    ).toThrow('thing: "go" leads two ways from one state');
  });
});

describe('the escalation lifecycle', () => {
  it('lets a delivery create, fail to link and then link, and refuses linking what was never created', async () => {
    const { ESCALATION_LIFECYCLE } = await import('./escalation-lifecycle.ts');
    const { assertMove } = await import('./lifecycle.ts');
    expect(nextState(ESCALATION_LIFECYCLE, 'sending', 'ticket_created')).toBe('created');
    expect(() => assertMove(ESCALATION_LIFECYCLE, 'created', 'link_failed')).not.toThrow();
    expect(nextState(ESCALATION_LIFECYCLE, 'link_failed', 'link')).toBe('linked');
    expect(() => assertMove(ESCALATION_LIFECYCLE, 'sending', 'linked')).toThrow('An escalation cannot go from sending to linked');
    expect(() => nextState(ESCALATION_LIFECYCLE, 'linked', 'retry')).toThrow('An escalation that is linked cannot retry (only one that is failed can)');
  });
});
