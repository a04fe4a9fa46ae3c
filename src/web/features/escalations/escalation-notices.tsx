/**
 * What the Escalate form says beside its fields: the request's open escalation (as the form opens, and when a race
 * answers 409), and the mapped values that also go to the destination.
 */
import { Fragment } from 'react';
import type { EscalationOptions } from '../../api/escalations.ts';
import { useEscalation } from '../../api/escalations.ts';
import { useMappedValues } from '../../api/field-mappings.ts';
import { mappedValueText } from '../settings/field-mapping-format.ts';
import { stateLabel, targetLabel } from './escalation-format.ts';

/** Shown as the form opens: "This request already has an open escalation (Linked, Tier 2 Support)…". */
export function OpenEscalationWarning({ open }: { open: NonNullable<EscalationOptions['openEscalation']> }) {
  const what = [stateLabel(open.state), open.target].filter(Boolean).join(', ');
  return (
    <div className="banner banner-warning" role="status" data-testid="escalate-open-warning">
      <div className="stack-tight">
        <strong>This request already has an open escalation ({what}).</strong>
        <span>
          Escalating again creates another Kustomer conversation
          {open.conversationId ? (
            <>
              {' '}
              besides <code>{open.conversationId}</code>
            </>
          ) : null}
          .
        </span>
      </div>
    </div>
  );
}

/** "Also sent to Kustomer": the request's values for the mapped conversation attributes; nothing when none has a value. */
export function MappedValues({ requestId }: { requestId: string }) {
  const values = useMappedValues(requestId);
  const items = values.data ?? [];
  if (!items.length) return null;
  return (
    <section className="stack-tight" aria-label="Also sent to Kustomer" data-testid="escalate-mapped-values">
      <span className="field-label">Also sent to Kustomer</span>
      <dl className="info">
        {items.map((v) => (
          <Fragment key={v.remoteField}>
            <dt>
              {v.label} <span className="small">→ {v.remoteField}</span>
            </dt>
            <dd title={typeof v.value === 'string' && mappedValueText(v.value) !== v.value ? v.value : undefined}>{mappedValueText(v.value)}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

/** "This request already has an open escalation (state: Linked, Tier 2 Support). Escalate again?" */
export function ConflictQuestion({ openEscalationId }: { openEscalationId: string | null }) {
  const open = useEscalation(openEscalationId);
  const e = open.data;
  const what = e ? `state: ${stateLabel(e.state)}${targetLabel(e.target) && e.target?.name ? `, ${targetLabel(e.target)}` : ''}` : 'state: …';
  return (
    <div className="banner banner-warning" role="alert" data-testid="escalate-confirm">
      <div className="stack-tight">
        <strong>This request already has an open escalation ({what}). Escalate again?</strong>
        <span>
          Escalating again creates another Kustomer conversation
          {e?.conversationId ? (
            <>
              {' '}
              besides <code>{e.conversationId}</code>
            </>
          ) : null}
          .
        </span>
      </div>
    </div>
  );
}
