/**
 * Admin → Email outbox: every email Bridgedesk sent or holds, with its state. Without SMTP nothing is dropped:
 * emails wait here (a banner says so), readable in full.
 */
import { useState } from 'react';
import { type OutboxEmail, useEmailOutbox } from '../../api/notifications.ts';
import { humanize } from '../../ui/format.ts';
import { Modal } from '../../ui/modal.tsx';
import { EmptyState, Notice } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { AdminPage } from './admin-page.tsx';
import { TableHead } from '../../ui/table-head.tsx';

const STATE_LABELS: Record<string, string> = { pending: 'Sending', sent: 'Sent', failed: 'Failed', not_configured: 'Held: no SMTP' };

function OutboxState({ state }: { state: string }) {
  return <span className={`badge outbox-${state}`}>{STATE_LABELS[state] ?? humanize(state)}</span>;
}

function EmailView({ email }: { email: OutboxEmail }) {
  return (
    <div className="dialog-body stack">
      <dl className="info">
        <dt>To</dt>
        <dd>{email.to}</dd>
        <dt>Subject</dt>
        <dd>{email.subject}</dd>
        <dt>State</dt>
        <dd>
          <OutboxState state={email.state} /> {email.attempts > 0 && <span className="muted small">after {email.attempts} attempts</span>}
        </dd>
        {email.lastError && (
          <>
            <dt>Last error</dt>
            <dd className="field-error">{email.lastError}</dd>
          </>
        )}
      </dl>
      <pre className="outbox-body">{email.body}</pre>
    </div>
  );
}

export function OutboxPage() {
  const outbox = useEmailOutbox();
  const [open, setOpen] = useState<OutboxEmail | null>(null);
  const items = outbox.data?.items ?? [];
  return (
    <AdminPage title="Email outbox" description="Every email Bridgedesk sends: notifications from workflows and approvals." query={outbox}>
      {outbox.data && !outbox.data.smtpConfigured && (
        <Notice tone="warning">
          <span>
            <strong>SMTP is not configured.</strong> Emails are kept here until SMTP is configured (set <code>SMTP_URL</code> and restart).
          </span>
        </Notice>
      )}
      {items.length === 0 ? (
        <EmptyState title="No emails yet" />
      ) : (
        <table className="table" data-testid="outbox">
          <TableHead columns={['To', 'Subject', 'State', 'Attempts', 'Created', 'Sent']} />
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-testid="outbox-email">
                <td>{e.to}</td>
                <td>
                  <button type="button" className="link-button outbox-subject" onClick={() => setOpen(e)}>
                    {e.subject}
                  </button>
                  {e.lastError && <div className="field-error small">{e.lastError}</div>}
                </td>
                <td>
                  <OutboxState state={e.state} />
                </td>
                <td>{e.attempts}</td>
                <td className="muted">
                  <RelativeTime iso={e.createdAt} />
                </td>
                <td className="muted">{e.sentAt ? <RelativeTime iso={e.sentAt} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Modal title={open?.subject ?? 'Email'} open={open !== null} onClose={() => setOpen(null)} wide>
        {open && <EmailView email={open} />}
      </Modal>
    </AdminPage>
  );
}
