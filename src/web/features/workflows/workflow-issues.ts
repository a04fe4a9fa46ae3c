/**
 * A failed save's problems by path, in one style ("definition.steps.1.queueId"): schema issues (400,
 * details.issues) as they come; rule breaks (422, details.fields keyed "steps.1", "trigger…" or e.g. "approvers")
 * under "definition." when they name a part of the definition. Pure: unit-tested in workflow-issues.test.ts.
 */
import { ApiError } from '../../api/client.ts';

export function workflowIssues(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || !err.details || typeof err.details !== 'object') return {};
  const d = err.details as { issues?: { path?: unknown; message?: unknown }[]; fields?: Record<string, unknown>; field?: unknown; path?: unknown };
  const out: Record<string, string> = {};
  for (const issue of Array.isArray(d.issues) ? d.issues : []) {
    if (typeof issue.path === 'string' && typeof issue.message === 'string') out[issue.path || 'definition'] ??= issue.message;
  }
  for (const [key, message] of Object.entries(d.fields && typeof d.fields === 'object' ? d.fields : {})) {
    if (typeof message !== 'string') continue;
    const path = /^(steps|trigger)(\.|$)/.test(key) ? `definition.${key}` : key;
    out[path] ??= message;
  }
  if (typeof d.path === 'string') out[d.path] ??= err.message;
  if (typeof d.field === 'string') out[d.field] ??= err.message;
  return out;
}

/** Problems no control on the page shows (they go in the banner): not the name, description or a definition part. */
export function unplacedIssues(issues: Record<string, string>): string[] {
  return Object.entries(issues)
    .filter(([path]) => path !== 'name' && path !== 'description' && path !== 'definition.steps' && !path.startsWith('definition.'))
    .map(([path, message]) => (path === 'approvers' ? message : `${path}: ${message}`));
}
