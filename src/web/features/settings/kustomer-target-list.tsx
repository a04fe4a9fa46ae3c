/**
 * Kustomer queues or teams with "Agents may escalate here" per item. Ones that disappeared from Kustomer stay listed,
 * greyed, with "No longer in Kustomer": an enabled one can still be switched off, never on.
 */
import { useId, useState } from 'react';
import type { IntegrationTarget, TargetKind } from '../../api/integrations.ts';

const NOUN: Record<TargetKind, { title: string; many: string }> = {
  queues: { title: 'Queues', many: 'queues' },
  teams: { title: 'Teams', many: 'teams' },
};

function TargetRow({ target, onToggle }: { target: IntegrationTarget; onToggle: (enabled: boolean) => void }) {
  const id = useId();
  // The box follows the click at once; the query cache (updated optimistically a moment later, rolled back on
  // error) takes over as soon as it changes.
  const [clicked, setClicked] = useState<{ on: boolean; from: boolean } | null>(null);
  if (clicked && clicked.from !== target.enabled) setClicked(null);
  const checked = clicked ? clicked.on : target.enabled;
  const locked = !target.available && !target.enabled;
  return (
    <li className={target.available ? 'target-row' : 'target-row unavailable'} data-testid="kustomer-target">
      <div className="target-name">
        <span id={`${id}-name`}>{target.name}</span>
        {!target.available && (
          <span className="tag tag-small" id={`${id}-gone`}>
            No longer in Kustomer
          </span>
        )}
      </div>
      <label className="checkbox target-toggle">
        <input
          type="checkbox"
          checked={checked}
          disabled={locked}
          // Its own name per row, read as a sentence ("VIP: agents may escalate here"), not two labels run together.
          aria-label={`${target.name}: agents may escalate here`}
          aria-describedby={target.available ? undefined : `${id}-gone`}
          onChange={(e) => {
            setClicked({ on: e.target.checked, from: target.enabled });
            onToggle(e.target.checked);
          }}
        />
        <span id={`${id}-label`}>Agents may escalate here</span>
      </label>
    </li>
  );
}

export function KustomerTargetList({
  kind,
  targets,
  onToggle,
}: {
  kind: TargetKind;
  targets: IntegrationTarget[];
  onToggle: (target: IntegrationTarget, enabled: boolean) => void;
}) {
  const headingId = useId();
  const noun = NOUN[kind];
  // Still-present ones first; the API already orders by name.
  const sorted = [...targets.filter((t) => t.available), ...targets.filter((t) => !t.available)];
  const enabled = targets.filter((t) => t.enabled).length;
  return (
    <section className="card target-card" aria-labelledby={headingId}>
      <div className="target-card-header">
        <h2 id={headingId}>{noun.title}</h2>
        {targets.length > 0 && (
          <span className="muted small" data-testid={`${kind}-count`}>
            {enabled} of {targets.length} enabled
          </span>
        )}
      </div>
      {targets.length === 0 ? (
        <div className="target-empty">
          <p className="empty-title">No {noun.many} in Kustomer</p>
          <p className="muted">Create {noun.many} in Kustomer, then press Re-sync to bring them in.</p>
        </div>
      ) : (
        <ul className="target-list">
          {sorted.map((t) => (
            <TargetRow key={t.remoteId} target={t} onToggle={(on) => onToggle(t, on)} />
          ))}
        </ul>
      )}
    </section>
  );
}
