/**
 * "Test escalation": an admin picks an enabled queue or team and a channel; Bridgedesk files a sample request and
 * escalates it like any other. Each step's outcome shows live (the escalation and the sample request's timeline,
 * polled): requested → customer → conversation created (with its link) → back-link posted, or the failure and why.
 */
import { useEffect, useId, useState } from 'react';
import { Link } from 'wouter';
import { isInFlight, type TestEscalationResult, useEscalation, useTestEscalation, useTestTimeline } from '../../api/escalations.ts';
import type { KustomerIntegration } from '../../api/integrations.ts';
import { Field, Select } from '../../ui/field.tsx';
import { ErrorBanner } from '../../ui/states.tsx';
import { ConversationId } from '../escalations/conversation-id.tsx';
import { channelLabel, KUSTOMER_CHANNELS, type StepStatus, testEscalationSteps } from '../escalations/escalation-format.ts';
import { TargetOptions } from '../../ui/target-options.tsx';
import { Options } from '../../ui/choice-options.tsx';

const STATUS_WORDS: Record<StepStatus, string> = {
  done: 'done',
  active: 'under way',
  retrying: 'retrying',
  failed: 'failed',
  pending: 'not yet',
};
const ICONS: Record<StepStatus, string> = { done: '✓', active: '', retrying: '↻', failed: '✕', pending: '' };

export function KustomerTestEscalation({ data }: { data: KustomerIntegration }) {
  const headingId = useId();
  const queues = data.queues.filter((t) => t.enabled && t.available);
  const teams = data.teams.filter((t) => t.enabled && t.available);
  const options = [...queues.map((q) => `queue:${q.remoteId}`), ...teams.map((t) => `team:${t.remoteId}`)];
  const [picked, setPicked] = useState('');
  const target = options.includes(picked) ? picked : (options[0] ?? '');
  const [channel, setChannel] = useState('email');
  const test = useTestEscalation();
  const [run, setRun] = useState<TestEscalationResult | null>(null);
  const invalid = data.status === 'invalid_credentials';

  const escalation = useEscalation(run?.escalation.id ?? null);
  const current = escalation.data ?? run?.escalation ?? null;
  const timeline = useTestTimeline(run?.requestId ?? null);
  const moving = current ? isInFlight(current) : false;
  // The timeline is read again whenever the escalation moves, so each step's details follow its state.
  const { refetch: refetchTimeline } = timeline;
  useEffect(() => {
    if (current?.updatedAt) void refetchTimeline();
  }, [current?.updatedAt, current?.state, refetchTimeline]);

  const send = () => {
    if (!target || test.isPending) return;
    const [kind, id] = [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
    test.mutate({ ...(kind === 'queue' ? { queueId: id } : { teamId: id }), channel }, { onSuccess: setRun });
  };

  const steps = current ? testEscalationSteps(current, timeline.data ?? []) : [];

  return (
    <section className="card stack test-escalation-card" aria-labelledby={headingId} data-testid="test-escalation">
      <div>
        <h2 id={headingId}>Test escalation</h2>
        <p className="muted">Files a sample request and escalates it, to check the whole path: customer, conversation and the link back to Bridgedesk.</p>
      </div>
      {options.length === 0 ? (
        <p className="muted">Let agents escalate to at least one queue or team above, then send a test escalation to it.</p>
      ) : (
        <div className="test-escalation-form">
          <Field label="Queue or team">
            <Select value={target} disabled={test.isPending || moving} onChange={(e) => setPicked(e.target.value)}>
              <TargetOptions queues={queues} teams={teams} />
            </Select>
          </Field>
          <Field label="Channel">
            <Select value={channel} disabled={test.isPending || moving} onChange={(e) => setChannel(e.target.value)}>
              <Options values={KUSTOMER_CHANNELS} label={channelLabel} />
            </Select>
          </Field>
          <button type="button" className="btn btn-primary" disabled={invalid || test.isPending || moving} onClick={send}>
            {test.isPending ? 'Sending…' : moving ? 'Testing…' : 'Send test escalation'}
          </button>
        </div>
      )}
      {invalid && <p className="field-error">Paste a new API key above first: Kustomer refuses the saved one.</p>}
      <ErrorBanner error={test.error} title="Test not sent" />

      {run && current && (
        <div className="test-result stack-tight">
          <ol className="test-steps" aria-label="Test escalation steps">
            {steps.map((s) => (
              <li key={s.key} className={`test-step step-${s.status}`} data-testid="test-step" data-step={s.key} data-status={s.status}>
                <span className="step-icon" aria-hidden="true">
                  {s.status === 'active' ? <span className="spinner spinner-small" /> : ICONS[s.status]}
                </span>
                <div className="step-text">
                  <span className="step-label">
                    {s.label} <span className="visually-hidden">({STATUS_WORDS[s.status]})</span>
                  </span>
                  {s.detail && (
                    <span className="step-detail">
                      {s.detail}
                      {s.conversationId && (
                        <>
                          {' '}
                          <ConversationId id={s.conversationId} copy />
                        </>
                      )}
                    </span>
                  )}
                  {s.link && (
                    <a href={s.link.href} target="_blank" rel="noopener noreferrer">
                      {s.link.text}
                      <span aria-hidden="true"> ↗</span>
                    </a>
                  )}
                </div>
              </li>
            ))}
          </ol>
          {current.state === 'linked' && (
            <div className="banner banner-success" role="status">
              The test escalation reached Kustomer and links back to Bridgedesk: escalations work.
            </div>
          )}
          {(current.state === 'failed' || (current.state === 'link_failed' && !current.nextAttemptAt)) && (
            <div className="banner banner-error" role="alert">
              <div>
                <strong>The test escalation failed: </strong>
                {current.lastError ?? 'see the steps above'}
              </div>
            </div>
          )}
          <p className="muted small">
            Sample request <Link href={`/requests/${run.requestKey}`}>{run.requestKey}</Link> — its timeline has every step; archive it when done.
          </p>
        </div>
      )}
    </section>
  );
}
