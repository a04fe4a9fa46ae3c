/**
 * The internal side of a request as facts a destination's agents can see (issue 17 point 6): who works it, whose
 * approval it awaits, and the last internal update. They go only to the destination's agent-side custom attributes
 * (Kustomer: conversation custom attributes, shown in its agent sidebar), never to a requester. No I/O: callers read
 * the approvals and the last internal note and pass them in.
 *
 * "Last internal update" is the newest internal note a person (or a workflow step) wrote on the request: its author
 * and the start of its text, and its time. Status, assignee and approvals have facts of their own, so the note is
 * what a destination agent cannot learn elsewhere. Notes that came from the destination itself (its own notes read
 * back onto the timeline) are not internal updates: they are already there.
 */

/** Where a fact's text is cut: Kustomer's `Str` attributes hold up to 1,024 characters (docs/kustomer.md §31). */
export const FACT_TEXT_MAX = 1024;
/** The "short text" of the last internal update. */
export const INTERNAL_UPDATE_TEXT_MAX = 200;

/** Cuts text at `max` characters on one line, with an ellipsis when cut. */
export function shortText(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** The approvers one workflow run is waiting for (any one of them decides). */
export interface PendingApprovalGroup {
  approverNames: string[];
}

/**
 * "Awaiting approval by Morgan Manager"; "Awaiting approval by Morgan Manager or Sam Lead" when any one of several
 * may decide; runs waiting side by side are joined with "and". Null when nothing awaits a decision (the attribute is
 * cleared).
 */
export function pendingApprovalText(groups: readonly PendingApprovalGroup[]): string | null {
  const parts = groups.map((g) => orList([...new Set(g.approverNames)])).filter((p) => p !== '');
  if (!parts.length) return null;
  return shortText(`Awaiting approval by ${[...new Set(parts)].join(' and by ')}`, FACT_TEXT_MAX);
}

function orList(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** The newest internal note, as the facts read it. */
export interface InternalNote {
  /** The author's name; null for a workflow step or the system (shown as "Bridgedesk"). */
  authorName: string | null;
  body: string;
  at: Date;
}

/** "Ada Agent: Checked the VPN logs; the tunnel drops at 10:00" (cut to INTERNAL_UPDATE_TEXT_MAX). */
export const internalUpdateText = (note: InternalNote): string => shortText(`${note.authorName ?? 'Bridgedesk'}: ${note.body}`, INTERNAL_UPDATE_TEXT_MAX);

/** The request facts each timeline entry type changes (the push sends the facts' values as they are when it runs). */
const FACTS_CHANGED_BY: Record<string, readonly string[]> = {
  'request.assignee_changed': ['assignee_name', 'assignee_email'],
  'comment.internal_note': ['last_internal_update', 'last_internal_update_at'],
  // An approval asked, decided, expired (and maybe handed on), or settled by the step (the other approvers are
  // no longer asked), or the run ended: each may change whom the request awaits.
  'workflow.waiting_approval': ['pending_approval'],
  'workflow.approval_decided': ['pending_approval'],
  'workflow.approval_expired': ['pending_approval'],
  'workflow.step_done': ['pending_approval'],
  'workflow.finished': ['pending_approval'],
  'workflow.failed': ['pending_approval'],
};

/** The timeline entry types that change an internal fact. */
export const INTERNAL_FACT_ENTRY_TYPES: readonly string[] = Object.keys(FACTS_CHANGED_BY);

/** The internal facts an entry changes; empty for other entries. */
export function internalFactsChangedBy(entry: { type: string; data: Record<string, unknown> }): string[] {
  // Only an approval step's end changes whom the request awaits.
  if (entry.type === 'workflow.step_done' && (entry.data.step as { type?: unknown } | undefined)?.type !== 'approval') return [];
  return [...(FACTS_CHANGED_BY[entry.type] ?? [])];
}
