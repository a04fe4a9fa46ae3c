/**
 * "Escalate ticket" (side panel → Actions, or `e` on a request): a dialog with the destination, queue or team,
 * channel, priority, subject and message, pre-filled from the request. Ctrl/Cmd+Enter sends; Esc or Cancel closes,
 * after asking when the form was edited. Subject and message count their characters against the API's limits and
 * are never cut. When the request already has an open escalation the dialog says so as it opens (and the 409 of a
 * race still asks). When Kustomer cannot take escalations (not connected, refused key, nothing enabled) it says so.
 */
import { type MutableRefObject, type ReactNode, useRef, useState } from 'react';
import { Link } from 'wouter';
import { type EscalationDestination, useEscalationOptions } from '../../api/escalations.ts';
import type { RequestDetail } from '../../../server/schemas/request.ts';
import { useHotkeys } from '../../ui/hotkeys.ts';
import { Modal } from '../../ui/modal.tsx';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { preferredDestination } from './destination-choice.ts';
import { EscalateForm } from './escalate-form.tsx';

/** The Actions button, and the `e` shortcut; staff only (the side panel mounts it for staff). */
export function EscalateButton({ request }: { request: RequestDetail }) {
  const [open, setOpen] = useState(false);
  // The open form keeps the dialog open to ask when it holds edits; it answers true when it asked.
  const askBeforeClose = useRef<() => boolean>(() => false);
  const requestClose = () => {
    if (!askBeforeClose.current()) setOpen(false);
  };
  useHotkeys({ e: () => setOpen(true) });
  return (
    <>
      <button type="button" className="btn btn-small" aria-haspopup="dialog" title="Escalate ticket (e)" onClick={() => setOpen(true)}>
        Escalate ticket
      </button>
      <Modal title="Escalate ticket" open={open} onClose={requestClose} wide>
        <EscalateDialogBody request={request} onClose={() => setOpen(false)} onRequestClose={requestClose} askBeforeClose={askBeforeClose} />
      </Modal>
    </>
  );
}

export interface CloseProps {
  /** Closes at once (after sending, or when nothing was typed). */
  onClose: () => void;
  /** Cancel: closes, or asks first when the form holds edits. */
  onRequestClose: () => void;
  askBeforeClose: MutableRefObject<() => boolean>;
}

function EscalateDialogBody({ request, onClose, onRequestClose, askBeforeClose }: { request: RequestDetail } & CloseProps) {
  const options = useEscalationOptions(request.id);
  if (options.isPending) {
    return (
      <div className="dialog-body">
        <Loading label="Loading queues and teams…" />
      </div>
    );
  }
  if (options.error) {
    return (
      <div className="dialog-body stack">
        <ErrorBanner error={options.error} title="Cannot load the escalation options" onRetry={() => options.refetch()} />
        <DialogCloseRow onClose={onClose} />
      </div>
    );
  }
  // The first destination (in the registry's order) that can take it now: no screen names one by its id.
  const destination = preferredDestination(options.data.destinations);
  const problem = destinationProblem(destination);
  if (problem || !destination) {
    return (
      <div className="dialog-body stack">
        <div className="banner banner-warning escalate-unavailable" role="status" data-testid="escalate-unavailable">
          <div className="stack-tight">{problem}</div>
        </div>
        <DialogCloseRow onClose={onClose} />
      </div>
    );
  }
  return (
    <EscalateForm
      request={request}
      options={options.data}
      destination={destination}
      onClose={onClose}
      onRequestClose={onRequestClose}
      askBeforeClose={askBeforeClose}
    />
  );
}

/** Why the destination cannot take an escalation now, in words with the way out; null when it can. */
function destinationProblem(d: EscalationDestination | undefined): ReactNode {
  if (!d) return <strong>No destination to escalate into is set up</strong>;
  const settings = (
    <Link href={`/settings/integrations/${d.id}`} className="settings-link">
      Settings → Integrations → {d.name}
    </Link>
  );
  if (d.status === 'not_connected') {
    return (
      <>
        <strong>{d.name} is not connected</strong>
        <span>
          An admin can connect it in {settings}; then you can escalate requests into {d.name} conversations.
        </span>
      </>
    );
  }
  if (d.status === 'invalid_credentials') {
    return (
      <>
        <strong>{d.name} refused Bridgedesk's API key (Invalid credentials)</strong>
        <span>Escalations cannot be sent until an admin pastes a new key in {settings}.</span>
      </>
    );
  }
  if (d.queues.length === 0 && d.teams.length === 0) {
    return (
      <>
        <strong>No {d.name} queue or team is enabled for escalation</strong>
        <span>An admin can choose which queues and teams agents may escalate to in {settings}.</span>
      </>
    );
  }
  return null;
}

function DialogCloseRow({ onClose }: { onClose: () => void }) {
  return (
    <div className="form-actions dialog-footer">
      <button type="button" className="btn" onClick={onClose} autoFocus>
        Close
      </button>
    </div>
  );
}
