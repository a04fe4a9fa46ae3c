/**
 * The end-of-run assertions of `npm run test:chaos`, read from the database and the emulator's own records:
 * exactly one conversation per escalation, every workflow run finished with each step once, no missing or
 * doubled timeline entries.
 */
import type pg from 'pg';
import type { EmulatorControl } from '../../src/connectors/kustomer/emulator/index.ts';

export interface Check {
  name: string;
  ok: boolean;
  /** What was found, and up to a few examples when wrong. */
  detail: string;
}

export interface Expectations {
  org: string;
  /** Escalations the load submitted directly (POST /requests/{id}/escalations). */
  escalationIds: string[];
  /** Escalations submitted with files -> the SHA-256 of each file (all must arrive, once, on the first message). */
  filesByEscalation: Map<string, string[]>;
  /** Requests the load tagged for the workflow, one run each. */
  workflowRequestIds: string[];
  /** Every request the load created. */
  requestIds: string[];
  workflowId: string;
  /** Approval id -> the decision the approver script sent. */
  decisions: Map<string, 'approved' | 'rejected'>;
}

export interface Figures {
  escalations: { total: number; direct: number; fromWorkflows: number; byState: Record<string, number> };
  conversations: { total: number; duplicates: number; missing: number; orphans: number };
  runs: { total: number; byState: Record<string, number> };
  approvals: { approved: number; rejected: number; other: number };
  retries: { scheduled: number; rateLimited: number; errors: number; foundExisting: number };
}

const examples = (xs: string[]) => (xs.length ? ` e.g. ${xs.slice(0, 3).join('; ')}` : '');
const countBy = <T>(xs: T[], key: (x: T) => string) => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
};

export async function runChecks(pool: pg.Pool, control: EmulatorControl, exp: Expectations): Promise<{ checks: Check[]; figures: Figures }> {
  const checks: Check[] = [];
  const check = (name: string, bad: string[], found: string) =>
    checks.push({ name, ok: bad.length === 0, detail: `${found}${bad.length ? `; ${bad.length} wrong:${examples(bad)}` : ''}` });

  // --- Escalations and Kustomer conversations -------------------------------------------------------------
  const { rows: escalations } = await pool.query<{
    id: string;
    request_id: string;
    state: string;
    remote_id: string | null;
    workflow_run_id: string | null;
    attempts: number;
    last_error: string | null;
  }>('select id, request_id, state, remote_id, workflow_run_id, attempts, last_error from escalations');
  const direct = new Set(exp.escalationIds);
  const conversations = control.conversations(exp.org);
  const extId = (r: { attributes: unknown }) => String((r.attributes as Record<string, unknown>).externalId ?? '');
  const byExternalId = new Map<string, string[]>();
  for (const c of conversations) byExternalId.set(extId(c), [...(byExternalId.get(extId(c)) ?? []), c.id]);
  const notes = countBy(control.notes(exp.org), extId);
  const messages = countBy(control.messages(exp.org), extId);
  const escIds = new Set(escalations.map((e) => e.id));

  check(
    'every submitted escalation is recorded',
    exp.escalationIds.filter((id) => !escIds.has(id)),
    `${exp.escalationIds.length} submitted`,
  );
  check(
    'no escalation the load did not ask for (direct or from a run)',
    escalations.filter((e) => !direct.has(e.id) && !e.workflow_run_id).map((e) => e.id),
    `${escalations.length} escalations`,
  );
  const notLinked = escalations.filter((e) => e.state !== 'linked').map((e) => `${e.id} ${e.state} after ${e.attempts} attempts (${e.last_error})`);
  check('every escalation is linked', notLinked, `${escalations.length - notLinked.length} of ${escalations.length} linked`);
  const missing: string[] = [];
  const doubled: string[] = [];
  const wrongLink: string[] = [];
  for (const e of escalations) {
    const convs = byExternalId.get(e.id) ?? [];
    if (convs.length === 0) missing.push(e.id);
    if (convs.length > 1) doubled.push(`${e.id} x${convs.length}`);
    if (convs.length >= 1 && e.remote_id !== convs[0]) wrongLink.push(`${e.id} -> ${e.remote_id}, conversation ${convs[0]}`);
  }
  const orphans = [...byExternalId.keys()].filter((id) => !escIds.has(id));
  check('exactly one Kustomer conversation per escalation (by external id): none missing', missing, `${conversations.length} conversations`);
  check('exactly one Kustomer conversation per escalation (by external id): no duplicates', doubled, `${conversations.length - byExternalId.size} duplicates`);
  check('each escalation points at its conversation', wrongLink, 'remote ids compared');
  check('no conversation without an escalation', orphans, `${orphans.length} orphans`);
  check(
    'exactly one first message per conversation',
    escalations.filter((e) => messages.get(`${e.id}:message`) !== 1).map((e) => `${e.id} x${messages.get(`${e.id}:message`) ?? 0}`),
    `${messages.size} messages`,
  );
  check(
    'exactly one back-link note per conversation',
    escalations.filter((e) => notes.get(`${e.id}:note`) !== 1).map((e) => `${e.id} x${notes.get(`${e.id}:note`) ?? 0}`),
    `${notes.size} notes`,
  );

  // --- Files on the first messages (issue 18) ---
  const firstMessage = new Map(control.messages(exp.org).map((m) => [extId(m), m.id]));
  const filesOn = new Map<string, string[]>();
  for (const a of control.attachments(exp.org)) {
    if (a.attachedTo?.type === 'message') filesOn.set(a.attachedTo.id, [...(filesOn.get(a.attachedTo.id) ?? []), a.sha256 ?? 'no bytes']);
  }
  const fileProblems: string[] = [];
  for (const [id, want] of exp.filesByEscalation) {
    const got = filesOn.get(firstMessage.get(`${id}:message`) ?? '') ?? [];
    const missingFiles = want.filter((h) => !got.includes(h)).length;
    const extra = got.length - (want.length - missingFiles);
    if (missingFiles || extra) fileProblems.push(`${id}: ${missingFiles} missing, ${extra} duplicated or foreign`);
  }
  check(
    'every escalation with files has each file exactly once on its first message (0 missing, 0 duplicated)',
    fileProblems,
    `${exp.filesByEscalation.size} escalations with ${[...exp.filesByEscalation.values()].reduce((n, f) => n + f.length, 0)} files`,
  );

  // --- Timelines -------------------------------------------------------------------------------------------
  const { rows: entries } = await pool.query<{
    request_id: string;
    type: string;
    esc: string | null;
    run: string | null;
    approval: string | null;
    path: string | null;
    state: string | null;
    n: number;
  }>(
    `select request_id, type, data->>'escalationId' esc, data->>'runId' run, data->>'approvalId' approval, data->'step'->>'path' path, data->>'state' state, count(*)::int n
       from timeline_entries group by 1, 2, 3, 4, 5, 6, 7`,
  );
  const tally = new Map<string, number>();
  const add = (key: string, n: number) => tally.set(key, (tally.get(key) ?? 0) + n);
  for (const e of entries) {
    add(`${e.type}|req:${e.request_id}`, e.n);
    if (e.esc) add(`${e.type}|esc:${e.esc}`, e.n);
    if (e.run) add(`${e.type}|run:${e.run}`, e.n);
    if (e.approval) add(`${e.type}|approval:${e.approval}`, e.n);
    if (e.run && e.path !== null) add(`${e.type}|run:${e.run}|path:${e.path}`, e.n);
  }
  const t = (key: string) => tally.get(key) ?? 0;
  const exactly = (name: string, keys: string[], want: number | ((k: string) => number)) => {
    const bad = keys.filter((k) => t(k) !== (typeof want === 'number' ? want : want(k))).map((k) => `${k} = ${t(k)}`);
    check(name, bad, `${keys.length} checked`);
  };
  exactly(
    'timeline: one request.created per request',
    exp.requestIds.map((id) => `request.created|req:${id}`),
    1,
  );
  for (const type of ['escalation.requested', 'escalation.created', 'escalation.linked'])
    exactly(
      `timeline: one ${type} per escalation`,
      escalations.map((e) => `${type}|esc:${e.id}`),
      1,
    );
  check(
    'timeline: one customer matched-or-created per escalation',
    escalations.filter((e) => t(`escalation.customer_created|esc:${e.id}`) + t(`escalation.customer_matched|esc:${e.id}`) !== 1).map((e) => e.id),
    `${escalations.length} checked`,
  );
  const typeTotal = (type: string) => entries.filter((e) => e.type === type).reduce((s, e) => s + e.n, 0);
  for (const type of ['escalation.failed', 'workflow.failed', 'workflow.approval_expired', 'workflow.loop_prevented'])
    check(`timeline: no ${type}`, typeTotal(type) ? [`${typeTotal(type)} entries`] : [], `${typeTotal(type)}`);

  // --- Workflow runs ---------------------------------------------------------------------------------------
  const { rows: runs } = await pool.query<{ id: string; request_id: string; state: string }>(
    'select id, request_id, state from workflow_runs where workflow_id = $1',
    [exp.workflowId],
  );
  const { rows: approvals } = await pool.query<{ id: string; run_id: string; request_id: string; state: string }>(
    'select id, run_id, request_id, state from approvals',
  );
  const { rows: steps } = await pool.query<{ run_id: string; path: string; type: string; state: string; outcome: string | null }>(
    `select run_id, path, type, state, result->>'outcome' outcome from workflow_run_steps`,
  );
  const { rows: notifications } = await pool.query<{ request_id: string; kind: string; n: number }>(
    'select request_id, kind, count(*)::int n from notifications group by 1, 2',
  );
  const notified = new Map(notifications.map((n) => [`${n.kind}|${n.request_id}`, n.n]));
  const runsByRequest = countBy(runs, (r) => r.request_id);
  check(
    'one run per tagged request',
    exp.workflowRequestIds.filter((id) => runsByRequest.get(id) !== 1).map((id) => `${id} x${runsByRequest.get(id) ?? 0}`),
    `${runs.length} runs`,
  );
  const approvalsByRun = new Map<string, typeof approvals>();
  for (const a of approvals) approvalsByRun.set(a.run_id, [...(approvalsByRun.get(a.run_id) ?? []), a]);
  const stepsByRun = new Map<string, typeof steps>();
  for (const s of steps) stepsByRun.set(s.run_id, [...(stepsByRun.get(s.run_id) ?? []), s]);
  const escByRun = countBy(
    escalations.filter((e) => e.workflow_run_id),
    (e) => e.workflow_run_id!,
  );

  const wrongState: string[] = [];
  const wrongApprovals: string[] = [];
  const wrongSteps: string[] = [];
  const wrongEntries: string[] = [];
  const wrongNotes: string[] = [];
  for (const r of runs) {
    const as = approvalsByRun.get(r.id) ?? [];
    if (as.length !== 1) {
      wrongApprovals.push(`${r.id}: ${as.length} approvals`);
      continue;
    }
    const a = as[0]!;
    const sent = exp.decisions.get(a.id);
    if (a.state !== sent) wrongApprovals.push(`${a.id}: ${a.state}, the approver sent ${sent ?? 'nothing'}`);
    const approved = a.state === 'approved';
    const want = approved ? 'succeeded' : 'cancelled';
    if (r.state !== want) wrongState.push(`${r.id}: ${r.state}, want ${want} (approval ${a.state})`);
    const wantPaths = approved ? ['0:approval:approved', '1:create_conversation:', '2:notify:'] : ['0:approval:rejected'];
    const got = (stepsByRun.get(r.id) ?? []).map((s) => `${s.path}:${s.type}:${s.outcome ?? ''}${s.state === 'succeeded' ? '' : `(${s.state})`}`).sort();
    if (got.join(',') !== wantPaths.join(',')) wrongSteps.push(`${r.id}: ${got.join(',')}`);
    if ((escByRun.get(r.id) ?? 0) !== (approved ? 1 : 0)) wrongSteps.push(`${r.id}: ${escByRun.get(r.id) ?? 0} escalations`);
    const want1 = ['workflow.started', 'workflow.waiting_approval', 'workflow.finished'].map((type) => `${type}|run:${r.id}`);
    want1.push(`workflow.approval_decided|approval:${a.id}`);
    for (const p of approved ? ['0', '1', '2'] : ['0']) want1.push(`workflow.step_done|run:${r.id}|path:${p}`);
    for (const k of want1) if (t(k) !== 1) wrongEntries.push(`${k} = ${t(k)}`);
    const stepDone = [...tally.keys()].filter((k) => k.startsWith(`workflow.step_done|run:${r.id}|path:`));
    if (stepDone.length !== (approved ? 3 : 1)) wrongEntries.push(`${r.id}: step_done for paths ${stepDone.map((k) => k.split('path:')[1]).join(',')}`);
    if (notified.get(`approval|${r.request_id}`) !== 1)
      wrongNotes.push(`${r.request_id}: ${notified.get(`approval|${r.request_id}`) ?? 0} approval notifications`);
    const outcomeKind = approved ? 'workflow' : 'approval_rejected';
    if (notified.get(`${outcomeKind}|${r.request_id}`) !== 1)
      wrongNotes.push(`${r.request_id}: ${notified.get(`${outcomeKind}|${r.request_id}`) ?? 0} ${outcomeKind} notifications`);
  }
  const byState = Object.fromEntries(countBy(runs, (r) => r.state));
  check(
    'every run finished: succeeded when approved, cancelled when rejected',
    wrongState,
    Object.entries(byState)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ') || 'no runs',
  );
  check('one approval per run, decided as the approver script decided', wrongApprovals, `${approvals.length} approvals`);
  check('each step run exactly once (step rows; one conversation per approved run)', wrongSteps, `${steps.length} step rows`);
  check('timeline: one started/waiting/decided/finished per run and one step_done per step', wrongEntries, 'per run');
  check('one approval request and one outcome notification per run', wrongNotes, 'per run');

  const retryEntries = entries.filter((e) => e.type === 'escalation.retry_scheduled');
  const { rows: retryReasons } = await pool.query<{ rate: number; other: number }>(
    `select count(*) filter (where data->>'reason' like 'Rate limited%')::int rate, count(*) filter (where data->>'reason' not like 'Rate limited%')::int other
       from timeline_entries where type = 'escalation.retry_scheduled'`,
  );
  const { rows: found } = await pool.query<{ n: number }>(
    `select count(*)::int n from timeline_entries where type = 'escalation.created' and (data->>'foundExisting')::boolean`,
  );
  const approvalStates = countBy(approvals, (a) => a.state);
  return {
    checks,
    figures: {
      escalations: {
        total: escalations.length,
        direct: escalations.filter((e) => direct.has(e.id)).length,
        fromWorkflows: escalations.filter((e) => e.workflow_run_id).length,
        byState: Object.fromEntries(countBy(escalations, (e) => e.state)),
      },
      conversations: { total: conversations.length, duplicates: conversations.length - byExternalId.size, missing: missing.length, orphans: orphans.length },
      runs: { total: runs.length, byState },
      approvals: {
        approved: approvalStates.get('approved') ?? 0,
        rejected: approvalStates.get('rejected') ?? 0,
        other: approvals.length - (approvalStates.get('approved') ?? 0) - (approvalStates.get('rejected') ?? 0),
      },
      retries: {
        scheduled: retryEntries.reduce((s, e) => s + e.n, 0),
        rateLimited: retryReasons[0]?.rate ?? 0,
        errors: retryReasons[0]?.other ?? 0,
        foundExisting: found[0]?.n ?? 0,
      },
    },
  };
}
