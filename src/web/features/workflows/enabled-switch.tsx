/** A workflow's on/off switch: follows the click at once, saves it, and goes back (with the error) if the save fails. */
import { useState } from 'react';
import { type Workflow, useSetWorkflowEnabled } from '../../api/workflows.ts';
import { ErrorBanner } from '../../ui/states.tsx';

export function EnabledSwitch({ workflow, label, showState }: { workflow: Pick<Workflow, 'id' | 'name' | 'enabled'>; label?: string; showState?: boolean }) {
  const setEnabled = useSetWorkflowEnabled();
  const [clicked, setClicked] = useState<boolean | null>(null);
  const checked = clicked ?? workflow.enabled;
  return (
    <div className="wf-enabled">
      <label className="checkbox wf-switch">
        <input
          type="checkbox"
          role="switch"
          aria-label={label}
          checked={checked}
          disabled={setEnabled.isPending}
          onChange={(e) => {
            const enabled = e.target.checked;
            setClicked(enabled);
            setEnabled.mutate({ id: workflow.id, enabled }, { onSettled: () => setClicked(null) });
          }}
        />
        {showState ? <span aria-hidden="true">{checked ? 'On' : 'Off'}</span> : 'Enabled'}
      </label>
      {setEnabled.error && <ErrorBanner error={setEnabled.error} title="Not changed" />}
    </div>
  );
}
