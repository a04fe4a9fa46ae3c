/**
 * Who hears of a public reply, and what they read. Only public comments make a notice: an internal note never
 * reaches the requester by mail or notification, whoever wrote it.
 */
import type { Actor } from './actor.ts';
import type { Visibility } from './timeline.ts';

export interface ReplyAudience {
  requester: { id: string; email: string; active: boolean };
  followers: Array<{ id: string; email: string; active: boolean }>;
}

export interface ReplyNotice {
  userId: string;
  email: string;
  title: string;
  body: string;
}

/** The requester and the followers, never the author, never a deactivated account; none for an internal note. */
export function replyNotices(
  visibility: Visibility,
  author: Actor,
  audience: ReplyAudience,
  request: { key: string; title: string },
  body: string,
): ReplyNotice[] {
  if (visibility !== 'public') return [];
  const authorId = author.kind === 'system' ? null : author.userId;
  const authorName = author.kind === 'system' ? 'Bridgedesk' : author.name;
  const seen = new Set<string>();
  const notices: ReplyNotice[] = [];
  for (const person of [audience.requester, ...audience.followers]) {
    if (person.id === authorId || !person.active || seen.has(person.id)) continue;
    seen.add(person.id);
    notices.push({ userId: person.id, email: person.email, title: `Re: [${request.key}] ${request.title}`, body: `${authorName} replied:\n\n${body}` });
  }
  return notices;
}
