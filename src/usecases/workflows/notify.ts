/**
 * Tells a person something: an in-app notification, and an email through the outbox. With SMTP configured a job
 * sends it; without, it stays in the outbox for admins to read, so nothing is silently dropped.
 */
import type { Tx } from '../../db/database.ts';
import { enqueueJob } from '../../db/transaction.ts';

export const SEND_EMAIL = 'send-email';

export interface Notice {
  userId?: string | null;
  email?: string | null;
  requestId: string | null;
  kind: string;
  title: string;
  body: string;
  link: string | null;
}

export async function notify(tx: Tx, smtpConfigured: boolean, n: Notice): Promise<void> {
  if (n.userId) {
    await tx
      .insertInto('notifications')
      .values({ user_id: n.userId, request_id: n.requestId, kind: n.kind, title: n.title, body: n.body, link: n.link })
      .execute();
  }
  if (n.email) {
    const row = await tx
      .insertInto('email_outbox')
      .values({
        to_address: n.email,
        subject: n.title,
        body: n.link ? `${n.body}\n\n${n.link}` : n.body,
        state: smtpConfigured ? 'pending' : 'not_configured',
        request_id: n.requestId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (smtpConfigured) await enqueueJob(tx, SEND_EMAIL, { outboxId: row.id }, { jobKey: `email:${row.id}`, maxAttempts: 10 });
  }
}
