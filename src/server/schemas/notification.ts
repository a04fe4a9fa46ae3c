/** In-app notifications and the email outbox as the API shows them. */
import { z } from '@hono/zod-openapi';

const NotificationSchema = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable(),
    readAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Notification');
export type AppNotification = z.infer<typeof NotificationSchema>;

export const NotificationListSchema = z.object({ items: z.array(NotificationSchema), unread: z.number() });
export type NotificationList = z.infer<typeof NotificationListSchema>;

export const OutboxSchema = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      to: z.string(),
      subject: z.string(),
      body: z.string(),
      state: z.enum(['pending', 'sent', 'failed', 'not_configured']),
      attempts: z.number(),
      lastError: z.string().nullable(),
      sentAt: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  smtpConfigured: z.boolean(),
});
export type Outbox = z.infer<typeof OutboxSchema>;
export type OutboxEmail = Outbox['items'][number];
