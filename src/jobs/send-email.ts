/** graphile-worker task: send one outbox email through SMTP (nodemailer); failures retry, then stay visible as failed. */
import type { Task } from 'graphile-worker';
import nodemailer from 'nodemailer';
import { parseJob } from '../core/jobs.ts';
import type { Db } from '../db/database.ts';

export const sendEmailTask = (db: Db, smtp: { url: string; from: string }): Task => {
  const transport = nodemailer.createTransport(smtp.url);
  return async (payload, helpers) => {
    const { outboxId } = parseJob('send-email', payload);
    const mail = await db.selectFrom('email_outbox').selectAll().where('id', '=', outboxId).executeTakeFirst();
    if (!mail || mail.state === 'sent') return;
    try {
      await transport.sendMail({ from: smtp.from, to: mail.to_address, subject: mail.subject, text: mail.body });
      await db
        .updateTable('email_outbox')
        .set({ state: 'sent', sent_at: new Date(), attempts: mail.attempts + 1, last_error: null })
        .where('id', '=', outboxId)
        .execute();
    } catch (err) {
      const last = helpers.job.attempts >= helpers.job.max_attempts;
      await db
        .updateTable('email_outbox')
        .set({ state: last ? 'failed' : 'pending', attempts: mail.attempts + 1, last_error: (err as Error).message.slice(0, 500) })
        .where('id', '=', outboxId)
        .execute();
      throw err;
    }
  };
};
