/**
 * A Kustomer conversation id, shown one way everywhere: short ("5f1c2a9b…") in monospace, the whole id in its title
 * (and `data-id`), linked to the conversation when its url is known, with a Copy button where one is useful (cards).
 * The timeline renders the same form (timeline-format.ts renderParts).
 */
import { CopyButton } from '../../ui/copy-button.tsx';
import { shortId } from './escalation-format.ts';

export function ConversationId({ id, href, copy }: { id: string; href?: string | null; copy?: boolean }) {
  const code = (
    <code className="mono conversation-id" title={href ? `${id} — open in Kustomer` : id} data-testid="conversation-id" data-id={id}>
      {shortId(id)}
    </code>
  );
  return (
    <span className="conversation-ref">
      {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer" aria-label={`Conversation ${id}, open in Kustomer`}>
          {code}
        </a>
      ) : (
        code
      )}
      {copy && <CopyButton text={id} label="Copy id" />}
    </span>
  );
}
