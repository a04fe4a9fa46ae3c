/** Disconnect, after a confirmation that says what is forgotten. */
import { useState } from 'react';
import { useDisconnectKustomer } from '../../api/integrations.ts';
import { Modal } from '../../ui/modal.tsx';
import { ErrorBanner } from '../../ui/states.tsx';

export function KustomerDisconnectButton({ orgName, onDisconnected }: { orgName: string | null; onDisconnected: () => void }) {
  const [open, setOpen] = useState(false);
  const disconnect = useDisconnectKustomer();
  const close = () => {
    setOpen(false);
    disconnect.reset();
  };
  return (
    <>
      <button type="button" className="btn btn-danger" onClick={() => setOpen(true)}>
        Disconnect
      </button>
      <Modal title="Disconnect Kustomer?" open={open} onClose={close}>
        <div className="stack dialog-body">
          <p>
            Bridgedesk forgets the API key{orgName ? ` for ${orgName}` : ''} and which queues and teams agents may escalate to. Agents cannot escalate to
            Kustomer until an admin authorizes again. Nothing is deleted in Kustomer.
          </p>
          <ErrorBanner error={disconnect.error} title="Not disconnected" />
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-danger"
              disabled={disconnect.isPending}
              onClick={() =>
                disconnect.mutate(undefined, {
                  onSuccess: () => {
                    setOpen(false);
                    onDisconnected();
                  },
                })
              }
            >
              {disconnect.isPending ? 'Disconnecting…' : 'Disconnect'}
            </button>
            <button type="button" className="btn btn-ghost" autoFocus onClick={close}>
              Cancel
            </button>
          </div>
        </div>
      </Modal>
    </>
  );
}
