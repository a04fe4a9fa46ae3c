/**
 * GET /stream: the changes a signed-in person may see, pushed as server-sent events, so an open page shows a
 * Kustomer status change or a new timeline entry within a second or two without polling. Each event names what
 * changed (request, entry or escalation ids), never its content: the page refetches it through the routes that
 * check access. Still, who hears what is checked here, per event, with the rules of those routes.
 */
import { isStaff, type UserActor } from '../../core/actor.ts';
import { canSeeRequest } from '../../core/request.ts';
import { visibleTo } from '../../core/timeline.ts';
import type { Change } from '../../db/change-feed.ts';
import { findRequestAccess } from '../../db/repositories/requests.ts';
import { requireUser } from '../auth/guards.ts';
import { ChangeEventSchema } from '../schemas/stream.ts';
import type { AppDeps } from '../context.ts';
import { errors, router, securedRoute } from '../openapi.ts';

export const streamRoutes = router();

/** A comment line this often keeps proxies (and the browser) from taking a quiet stream for a dead one. */
export const HEARTBEAT_MS = 15_000;
/**
 * A stream ends after this long and the browser reconnects at once, signing in again: a session that expired or a
 * person deactivated meanwhile stops hearing changes within this time.
 */
const MAX_STREAM_MS = 10 * 60_000;
/** How soon EventSource reconnects after the stream ends or the connection drops. */
const RETRY_MS = 1_000;

/**
 * Whether the person may hear of a change: staff hear every request's changes (as they may read every request);
 * a requester only public entries of a request they may read (theirs or one they follow), never an internal note,
 * never an escalation (staff business, as its routes are).
 */
async function mayHear(deps: AppDeps, actor: UserActor, change: Change): Promise<boolean> {
  if (isStaff(actor)) return true;
  if (change.kind !== 'timeline' || !visibleTo(actor, change)) return false;
  const access = await findRequestAccess(deps.db, { id: change.requestId }, actor.userId);
  return !!access && canSeeRequest(actor, { requesterId: access.requesterId }, access.following);
}

/** What the page is told: the kind and the ids. The visibility is left out (a requester only gets public ones). */
const eventData = (change: Change) =>
  change.kind === 'timeline'
    ? { kind: change.kind, requestId: change.requestId, entryId: change.entryId }
    : { kind: change.kind, requestId: change.requestId, escalationId: change.escalationId };

streamRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/stream',
    tags: ['Live updates'],
    summary: 'Server-sent events: the changes to requests you may see, as they commit',
    description:
      'A `text/event-stream` that stays open. Events: `ready` once changes are being listened for (anything ' +
      'committed after it is announced); `change` with JSON `{kind: "timeline"|"escalation", requestId, entryId?, ' +
      'escalationId?}` (refetch what it names); `resync` when changes may have been missed (refetch what you show). ' +
      `A comment line every ${HEARTBEAT_MS / 1000} s keeps it alive. The stream ends now and then; reconnect (EventSource does).`,
    responses: {
      200: { description: 'The event stream', content: { 'text/event-stream': { schema: ChangeEventSchema } } },
      ...errors(401),
    },
  }),
  (c) => {
    const actor = requireUser(c);
    const deps = c.var.deps;
    const encoder = new TextEncoder();
    let stop: (closeBody: boolean) => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let open = true;
        const write = (text: string) => {
          if (open) controller.enqueue(encoder.encode(text));
        };
        const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        // Checks run one after another, so events keep the order they were committed in.
        let checked = Promise.resolve();
        const inOrder = (fn: () => Promise<void> | void) => {
          checked = checked.then(fn).catch((err: unknown) => deps.log.warn({ err }, 'stream: could not check who may hear a change'));
        };
        const subscription = deps.changes.subscribe({
          change: (change) => inOrder(async () => void ((await mayHear(deps, actor, change)) && send('change', eventData(change)))),
          gap: () => inOrder(() => send('resync', {})),
          end: () => stop(true),
        });
        const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
        const lifetime = setTimeout(() => stop(true), MAX_STREAM_MS);
        stop = (closeBody) => {
          if (!open) return;
          open = false;
          clearInterval(heartbeat);
          clearTimeout(lifetime);
          subscription.unsubscribe();
          if (closeBody) controller.close();
        };
        write(`retry: ${RETRY_MS}\n\n`);
        subscription.ready.then(
          () => send('ready', {}),
          (err: unknown) => {
            deps.log.error({ err }, 'stream: cannot listen for changes');
            stop(true);
          },
        );
      },
      // The browser went away (node-server cancels the body when the connection closes).
      cancel: () => stop(false),
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // nginx buffers proxied responses unless told not to (docs/deploy.md, Load balancer).
        'x-accel-buffering': 'no',
      },
    });
  },
);
