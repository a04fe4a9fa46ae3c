/** The {{placeholders}} a workflow's texts may use, custom fields included, shown under subject and message boxes. */
import { useCustomFields } from '../../api/catalog.ts';

export const PLACEHOLDERS = [
  'request.title',
  'request.description',
  'request.key',
  'request.link',
  'request.priority',
  'request.service',
  'request.tags',
  'requester.name',
  'requester.email',
  'workflow.name',
  // The linked conversation (the one whose change started the run): its last reply to its customer (never a note),
  // link, assignee and queue; empty when none is linked.
  'conversation.last_public_message',
  'conversation.link',
  'conversation.assignee',
  'conversation.queue',
] as const;

export function PlaceholderList() {
  const customFields = useCustomFields(false);
  const fields = (customFields.data ?? []).map((f) => `field.${f.key}`);
  return (
    <div className="wf-placeholders" data-testid="placeholder-list">
      <span className="muted small">Placeholders:</span>
      {[...PLACEHOLDERS, ...(fields.length ? fields : ['field.<key>'])].map((p) => (
        <code key={p}>{`{{${p}}}`}</code>
      ))}
    </div>
  );
}
