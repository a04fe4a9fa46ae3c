/**
 * The request's status in the side panel (staff). Choosing Waiting on a request with a linked conversation asks
 * when it should wake up (presets: tomorrow 9:00, in 3 days, next Monday 9:00, or a time typed in): the conversation
 * is snoozed until then in the destination (docs/kustomer.md §30), and its waking brings the request back.
 */
import { useState } from 'react';
import { isInFlight, useRequestEscalations } from '../../api/escalations.ts';
import type { RequestPatch } from '../../api/requests.ts';
import type { Status } from '../../../core/request.ts';
import { fromLocalInput, toLocalInput, wakePresets } from './wake-presets.ts';
import { StatusOptions } from '../../ui/choice-options.tsx';
import { Select } from '../../ui/field.tsx';

export function StatusSelect({
  requestId,
  value,
  disabled,
  onChange,
}: {
  requestId: string;
  value: Status;
  disabled: boolean;
  onChange: (patch: RequestPatch) => void;
}) {
  const escalations = useRequestEscalations(requestId);
  const linked = (escalations.data ?? []).some((e) => e.conversationId && e.state !== 'unlinked' && (e.state !== 'failed' || isInFlight(e)));
  const [asking, setAsking] = useState(false);
  return (
    <>
      <Select
        value={asking ? 'waiting' : value}
        // Until the escalations are known, Waiting cannot tell whether to ask for a wake-up time.
        disabled={disabled || escalations.isPending}
        onChange={(e) => {
          const status = e.target.value as Status;
          if (status === 'waiting' && linked) setAsking(true);
          else {
            setAsking(false);
            onChange({ status });
          }
        }}
      >
        <StatusOptions />
      </Select>
      {asking && (
        <WakeUpPicker
          onCancel={() => setAsking(false)}
          onPick={(at) => {
            setAsking(false);
            onChange({ status: 'waiting', wakeAt: at.toISOString() });
          }}
        />
      )}
    </>
  );
}

function WakeUpPicker({ onPick, onCancel }: { onPick: (at: Date) => void; onCancel: () => void }) {
  const presets = wakePresets(new Date());
  const [custom, setCustom] = useState(toLocalInput(presets[0]!.at));
  const customAt = fromLocalInput(custom);
  const past = customAt !== null && customAt.getTime() <= Date.now();
  return (
    <div className="wake-picker stack-tight" role="group" aria-label="Wake up" data-testid="wake-picker">
      <span className="field-hint">The linked conversation is snoozed until then; when it wakes, the request is back in progress.</span>
      <div className="tag-list">
        {presets.map((p) => (
          <button key={p.key} type="button" className="chip" onClick={() => onPick(p.at)} title={p.at.toLocaleString()}>
            {p.label}
          </button>
        ))}
      </div>
      <label className="field-label" htmlFor="wake-at-input">
        Or on
      </label>
      <input id="wake-at-input" type="datetime-local" value={custom} min={toLocalInput(new Date())} onChange={(e) => setCustom(e.target.value)} />
      {past && <span className="field-error">Pick a time in the future</span>}
      <div className="form-actions">
        <button type="button" className="btn btn-small btn-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-small btn-primary" disabled={!customAt || past} onClick={() => customAt && onPick(customAt)}>
          Set waiting
        </button>
      </div>
    </div>
  );
}
