/**
 * A lifecycle as a table: its states, the events that move it, and from which states each event may start. Every
 * writer of a lifecycle asks its table for the next state, so an illegal move is refused here, in one place, with one
 * kind of error, instead of by guards scattered over the use cases.
 */
import { conflict } from './errors.ts';

export interface Transition<S extends string, E extends string> {
  event: E;
  from: readonly S[];
  to: S;
}

export interface Lifecycle<S extends string, E extends string> {
  /** What it is, in words: "escalation", "workflow run". */
  name: string;
  states: readonly S[];
  /** The state a new one starts in. */
  initial: S;
  transitions: readonly Transition<S, E>[];
}

export function defineLifecycle<const S extends string, const E extends string>(lifecycle: Lifecycle<S, E>): Lifecycle<S, E> {
  for (const t of lifecycle.transitions) {
    const twice = lifecycle.transitions.filter((o) => o.event === t.event && o.from.some((s) => t.from.includes(s)));
    // One answer per (state, event): the table is a function, never a choice.
    if (twice.length > 1) throw new Error(`${lifecycle.name}: "${t.event}" leads two ways from one state`);
  }
  return lifecycle;
}

/** The states `event` may start from (for a guarded update: `where state in (...)`). */
export function sourcesOf<S extends string, E extends string>(lifecycle: Lifecycle<S, E>, event: E): S[] {
  return lifecycle.transitions.filter((t) => t.event === event).flatMap((t) => [...t.from]);
}

/** The state `event` leads to from `from`; refuses (409) a move the table does not allow. */
export function nextState<S extends string, E extends string>(lifecycle: Lifecycle<S, E>, from: S, event: E): S {
  const t = lifecycle.transitions.find((x) => x.event === event && x.from.includes(from));
  if (!t) throw illegalTransition(lifecycle, from, event);
  return t.to;
}

/** Checks a move given by its end state (for writers that carry the state in a patch); refuses it as `nextState` does. */
export function assertMove<S extends string, E extends string>(lifecycle: Lifecycle<S, E>, from: S, to: S): void {
  if (lifecycle.transitions.some((t) => t.to === to && t.from.includes(from))) return;
  throw conflict(`${aName(lifecycle.name)} cannot go from ${words(from)} to ${words(to)}`, { lifecycle: lifecycle.name, state: from, to });
}

export function illegalTransition<S extends string, E extends string>(lifecycle: Lifecycle<S, E>, from: S | undefined, event: E) {
  const allowed = sourcesOf(lifecycle, event);
  return conflict(
    `${aName(lifecycle.name)} that is ${from === undefined ? 'gone' : words(from)} cannot ${words(event)} (only one that is ${allowed.map(words).join(' or ')} can)`,
    { lifecycle: lifecycle.name, state: from ?? null, event },
  );
}

const words = (s: string) => s.replace(/_/g, ' ');
const aName = (name: string) => `${/^[aeiou]/i.test(name) ? 'An' : 'A'} ${name}`;
