/** What the write functions and routes share: the store, the injected clock and the webhook dispatcher. */
import type { AttachmentBucket } from './attachment-bucket.ts';
import type { OrgRecord } from './records.ts';
import type { EmulatorStore } from './store.ts';
import type { WebhookDispatcher } from './webhook-dispatcher.ts';

export interface EmulatorDeps {
  store: EmulatorStore;
  now: () => Date;
  webhooks: WebhookDispatcher;
  /** Where attachment bytes go and come from (the stand-in for Kustomer's S3 bucket). */
  bucket: AttachmentBucket;
}

/** Who is writing: the API key's machine user (client "api-gw") or an agent acting in Kustomer's app ("web"). */
export interface Actor {
  org: OrgRecord;
  userId: string | null;
  client: 'api-gw' | 'web';
}
