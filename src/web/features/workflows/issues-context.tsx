/**
 * The save's problems by path ("definition.steps.1.queueId", as the API's details.issues name them, plus the
 * editor's own checks), so each control deep in the step tree shows its own message.
 */
import { createContext, useContext } from 'react';

export type Issues = Record<string, string>;

export const IssuesContext = createContext<Issues>({});

/** The message for exactly this path (also accepts a few alternatives, e.g. queueId or teamId). */
export function useIssue(...paths: string[]): string | undefined {
  const issues = useContext(IssuesContext);
  for (const p of paths) if (issues[p]) return issues[p];
  return undefined;
}

/**
 * Messages at `prefix` itself or below it that no control shows: `shown` are the sub-paths the controls handle,
 * `nested` the sub-paths that belong to nested lists (a branch's steps) shown further down.
 */
export function useOtherIssues(prefix: string, shown: string[], nested: string[] = []): string[] {
  const issues = useContext(IssuesContext);
  const out: string[] = [];
  for (const [path, message] of Object.entries(issues)) {
    if (path !== prefix && !path.startsWith(`${prefix}.`)) continue;
    const rest = path === prefix ? '' : path.slice(prefix.length + 1);
    if (shown.some((s) => rest === s || (s !== '' && rest.startsWith(`${s}.`)))) continue;
    if (nested.some((n) => rest === n || rest.startsWith(`${n}.`))) continue;
    out.push(rest ? `${rest}: ${message}` : message);
  }
  return out;
}
