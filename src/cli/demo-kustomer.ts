/**
 * The demo's Kustomer org as its admin would have set it up for Bridgedesk: besides seedDemoOrg's queues, teams,
 * people and sub-statuses, conversation custom attributes for the request's facts, so the demo's field mapping has
 * somewhere to write and a Kustomer agent reads where the request stands (the agent console's Attributes card).
 */
import type { EmulatorControl } from '../connectors/kustomer/emulator/index.ts';
import type { MappingInput } from '../core/field-mapping.ts';

/** Names end in Kustomer's type suffix (docs/kustomer.md §8); the labels are what Kustomer's agents see. */
const ATTRIBUTES = {
  bridgedeskStatusStr: { type: 'string', displayName: 'Request status' },
  bridgedeskAssigneeStr: { type: 'string', displayName: 'Bridgedesk assignee' },
  bridgedeskApprovalStr: { type: 'string', displayName: 'Pending approval' },
  lastInternalUpdateTxt: { type: 'string', displayName: 'Last internal update' },
  bridgedeskLinkUrl: { type: 'url', displayName: 'Bridgedesk request' },
  orderNumberStr: { type: 'string', displayName: 'Order number' },
};

/** Which request field fills which attribute, as the demo's admin mapped them in Settings → Kustomer. */
export const DEMO_FIELD_MAPPINGS: MappingInput[] = [
  { requestField: 'status', remoteField: 'bridgedeskStatusStr' },
  { requestField: 'assignee_name', remoteField: 'bridgedeskAssigneeStr' },
  { requestField: 'pending_approval', remoteField: 'bridgedeskApprovalStr' },
  { requestField: 'last_internal_update', remoteField: 'lastInternalUpdateTxt' },
  { requestField: 'request_link', remoteField: 'bridgedeskLinkUrl' },
  { requestField: 'field.order_number', remoteField: 'orderNumberStr' },
];

export function addDemoAttributes(control: EmulatorControl, org: string): void {
  control.setMetadata({ org, properties: ATTRIBUTES });
}
