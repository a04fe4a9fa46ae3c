/** Status sync as the settings page shows it: the settings, the webhook's state, how far polling has read. */
import { z } from '@hono/zod-openapi';
import { StatusSchema } from './request.ts';

/** A destination's conversation status in domain words (Kustomer's open, snoozed, done). */
const RemoteStatus = z.enum(['open', 'waiting', 'closed']);

export const SyncSchema = z
  .object({
    settings: z.object({
      inbound: z.boolean(),
      outbound: z.boolean(),
      inboundMap: z.object({ open: StatusSchema.nullable(), waiting: StatusSchema.nullable(), closed: StatusSchema.nullable() }),
      outboundMap: z.object({
        resolved: RemoteStatus.nullable(),
        archived: RemoteStatus.nullable(),
        reopened: RemoteStatus.nullable(),
        waiting: RemoteStatus.nullable().openapi({ description: 'Set to waiting: `waiting` snoozes the conversation until the wake-up time the agent picks' }),
      }),
      pollMinutes: z.number(),
      commentSync: z.boolean(),
    }),
    webhook: z.object({
      url: z.string().nullable(),
      subscribed: z.boolean(),
      setupNote: z.string().nullable(),
      secretHeader: z
        .object({ name: z.string(), value: z.string() })
        .nullable()
        .openapi({ description: 'The custom header Kustomer sends with every delivery; to add by hand when Bridgedesk could not subscribe' }),
      secretRotatedAt: z.string().nullable(),
      previousSecretValidUntil: z.string().nullable().openapi({ description: 'After a rotation, the previous secret is still accepted until then' }),
      checkedAt: z.string().nullable().openapi({ description: 'When Bridgedesk last read its subscription in Kustomer' }),
      checkError: z.string().nullable(),
      disabledAt: z.string().nullable().openapi({ description: 'When the last check found the webhook disabled by Kustomer (or deleted)' }),
      repairedAt: z.string().nullable(),
      repair: z.enum(['re-enabled', 're-created']).nullable(),
      backfilled: z.number().int().nullable().openapi({ description: 'Changes read from Kustomer after that repair, made while the webhook was off' }),
    }),
    lastEventAt: z.string().nullable(),
    lastPollCursor: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi('KustomerSync');
export type KustomerSync = z.infer<typeof SyncSchema>;
export type SyncSettingsView = KustomerSync['settings'];
