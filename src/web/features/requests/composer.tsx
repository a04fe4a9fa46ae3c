/**
 * Reply to the requester, leave an internal note, or (with a linked conversation) post a Note to Kustomer (staff).
 * r / n / k switch mode and focus the box; Ctrl/Cmd+Enter sends.
 *
 * Why it works this way: an agent once sent a note as a public reply. After Ctrl+Enter the focus stayed in the box,
 * so the next `n` (meant to switch to "Internal note") was typed as text and the note went out as a reply. Now:
 * - after sending, focus leaves the box (to the form itself), so r / n work again and are never typed;
 * - the audience is named everywhere: frame, banner, placeholder and send button ("Send reply to Riley");
 * - text written in another mode never goes out as a reply or to Kustomer by the keyboard alone: after switching,
 *   only the button sends it (an internal note may take any text: it goes nowhere).
 * A Note to Kustomer goes to Kustomer's agents on the linked conversation (picked when there are several), never to
 * the requester nor to Kustomer's customer; it is recorded on the request as internal, with its posting state.
 */
import { type FormEvent, useId, useRef, useState } from 'react';
import { useSendNote } from '../../api/escalations.ts';
import { useDestinationName } from '../../api/integrations.ts';
import { useAddComment } from '../../api/requests.ts';
import { isSubmitChord, useHotkeys } from '../../ui/hotkeys.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { AttachmentTray, pasteFiles, uploadsBlock, useDropZone } from '../attachments/attachment-tray.tsx';
import { useUploads } from '../attachments/use-uploads.ts';

type Mode = 'public' | 'internal' | 'remote';
type Via = 'button' | 'keyboard';

/** A conversation a Note to Kustomer can go to: a linked escalation's. */
export interface NoteTarget {
  escalationId: string;
  conversationId: string;
  /** Its display name, e.g. "Kustomer". */
  destination: string;
  /** Where it went, e.g. the queue's name. */
  label: string | null;
}

const shortId = (id: string) => (id.length > 10 ? `${id.slice(0, 8)}…` : id);
const MODE_NAMES: Record<Mode, (firstName: string, destination: string) => string> = {
  public: (firstName) => `a reply to ${firstName}`,
  internal: () => 'an internal note',
  remote: (_, destination) => `a note to ${destination}`,
};

export function Composer({
  requestId,
  staff,
  requesterName,
  noteTargets = [],
}: {
  requestId: string;
  staff: boolean;
  requesterName: string;
  noteTargets?: NoteTarget[];
}) {
  const [mode, setMode] = useState<Mode>('public');
  const [body, setBody] = useState('');
  // The modes the text was typed in: text from another mode is never sent as a reply or to Kustomer by a shortcut.
  const [writtenIn, setWrittenIn] = useState<ReadonlySet<Mode>>(new Set());
  const [guard, setGuard] = useState(false);
  const [sent, setSent] = useState<Mode | null>(null);
  const [targetId, setTargetId] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const audienceId = useId();
  const pickerId = useId();
  const add = useAddComment(requestId);
  const note = useSendNote(requestId);
  const destinationName = useDestinationName();
  // Files go with whichever mode sends them: a reply's are public, a note's internal (the API decides by the entry).
  const uploads = useUploads();
  const { dragging, dropProps } = useDropZone(uploads);
  const waiting = uploadsBlock(uploads);
  const remoteOk = staff && noteTargets.length > 0;
  const current: Mode = !staff ? 'public' : mode === 'remote' && !remoteOk ? 'public' : mode;
  const internal = current === 'internal';
  const remote = current === 'remote';
  const target = noteTargets.find((t) => t.escalationId === targetId) ?? noteTargets[0] ?? null;
  const destination = target?.destination ?? destinationName();
  const firstName = requesterName.split(/\s+/)[0] || requesterName;
  const pending = add.isPending || note.isPending;
  /** Typed (some of it) in a mode whose audience differs from this one's; an internal note is safe for any text. */
  const foreign = (m: Mode, written: ReadonlySet<Mode> = writtenIn) => m !== 'internal' && [...written].some((w) => w !== m);

  const switchTo = (m: Mode) => {
    setMode(m);
    setGuard(foreign(m) && body.trim() !== '');
    box.current?.focus();
  };
  useHotkeys({
    r: () => switchTo('public'),
    ...(staff ? { n: () => switchTo('internal') } : {}),
    ...(remoteOk ? { k: () => switchTo('remote') } : {}),
  });

  const send = (via: Via) => {
    if (!body.trim() || pending || waiting) return;
    if (via === 'keyboard' && foreign(current)) {
      setGuard(true);
      return;
    }
    const text = body;
    const sentAs = current;
    const typedIn = writtenIn;
    // Clear at once so the next message can be typed while this one is sent; a failure puts the text back.
    setBody('');
    setWrittenIn(new Set());
    setGuard(false);
    setSent(null);
    // Out of the box, so the page's shortcuts work again and the next keystroke is not typed into it.
    form.current?.focus();
    const attachmentIds = uploads.ids.length ? uploads.ids : undefined;
    const done = {
      onSuccess: () => {
        setSent(sentAs);
        uploads.clear();
      },
      onError: () => {
        setBody((typed) => (typed.trim() ? `${text}\n\n${typed}` : text));
        setWrittenIn(new Set([...typedIn, sentAs]));
      },
    };
    if (sentAs === 'remote' && target) note.mutate({ escalationId: target.escalationId, body: text, attachmentIds }, done);
    else add.mutate({ body: text, visibility: sentAs === 'internal' ? 'internal' : 'public', attachmentIds }, done);
  };

  const conversation = target ? `conversation ${shortId(target.conversationId)}${target.label ? ` (${target.label})` : ''}` : 'the conversation';
  const audience = !staff
    ? 'Your reply goes to the support team.'
    : internal
      ? `Internal note: only agents and admins see it. ${firstName} is not told.`
      : remote
        ? `Note to ${destination}: ${destination}'s agents see it on ${conversation}. ${firstName} is not told, and ${destination}'s customer never sees it.`
        : `Reply to ${requesterName}: they see it on the request and get it by email.`;
  const sendLabel = !staff ? 'Send reply' : internal ? 'Send internal note' : remote ? `Post note to ${destination}` : `Send reply to ${firstName}`;
  const writtenAs = [...writtenIn].find((w) => w !== current) ?? 'internal';
  /** The mode switch: each mode with its button label and shortcut. */
  const modes: [Mode, string, string][] = [
    ['public', `Reply to ${firstName}`, 'Reply (r)'],
    ['internal', 'Internal note', 'Internal note (n)'],
    ...(remoteOk ? [['remote', `Note to ${destination}`, `Note to ${destination} (k)`] as [Mode, string, string]] : []),
  ];

  return (
    <form
      ref={form}
      tabIndex={-1}
      className={`composer ${current}${dragging ? ' dropping' : ''}`}
      {...dropProps}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        send('button');
      }}
      aria-label="Comment"
      data-mode={current}
    >
      {staff && (
        <div className="segmented" role="radiogroup" aria-label="Comment type">
          {modes.map(([m, label, title]) => (
            <button
              key={m}
              type="button"
              role="radio"
              aria-checked={current === m}
              className={current === m ? 'on' : undefined}
              onClick={() => switchTo(m)}
              title={title}
            >
              {label}
            </button>
          ))}
        </div>
      )}
      {remote && noteTargets.length > 1 && (
        <label className="composer-target" htmlFor={pickerId}>
          Conversation{' '}
          <select id={pickerId} value={target?.escalationId} onChange={(e) => setTargetId(e.target.value)}>
            {noteTargets.map((t) => (
              <option key={t.escalationId} value={t.escalationId}>
                {t.destination} conversation {shortId(t.conversationId)}
                {t.label ? ` (${t.label})` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <p id={audienceId} className="composer-audience" data-testid="composer-audience">
        {audience}
      </p>
      {guard && (
        <div className="banner banner-warning" role="alert" data-testid="composer-guard">
          This text was written as {MODE_NAMES[writtenAs](firstName, destination)}, so Ctrl+Enter will not send it as{' '}
          {MODE_NAMES[current](firstName, destination)}. Check it, then click “{sendLabel}”, or switch back.
        </div>
      )}
      <ErrorBanner error={remote ? note.error : add.error} title="Not sent" />
      <textarea
        ref={box}
        rows={4}
        aria-label={internal ? 'Internal note' : remote ? `Note to ${destination}` : staff ? `Reply to ${requesterName}` : 'Reply'}
        aria-describedby={audienceId}
        placeholder={
          internal
            ? 'Internal note for agents and admins…'
            : remote
              ? `Note for ${destination}'s agents on ${conversation}…`
              : staff
                ? `Reply to ${requesterName}…`
                : 'Write a reply…'
        }
        value={body}
        onPaste={pasteFiles(uploads)}
        onChange={(e) => {
          const value = e.target.value;
          setBody(value);
          setSent(null);
          if (!value.trim()) setWrittenIn(new Set());
          else if (!writtenIn.has(current)) setWrittenIn(new Set([...writtenIn, current]));
        }}
        onKeyDown={(e) => {
          if (isSubmitChord(e)) {
            e.preventDefault();
            send('keyboard');
          } else if (e.key === 'Escape') form.current?.focus();
        }}
      />
      <AttachmentTray uploads={uploads} />
      <div className="composer-actions">
        <span className="muted small" role="status">
          {waiting ? (
            waiting
          ) : sent ? (
            sent === 'internal' ? (
              'Internal note added.'
            ) : sent === 'remote' ? (
              `Note to ${destination} added: its posting shows on the timeline.`
            ) : (
              `Reply sent to ${firstName}.`
            )
          ) : (
            <>
              <kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Enter</kbd> to send
            </>
          )}
        </span>
        <button
          type="submit"
          className={`btn ${internal ? 'btn-warning' : remote ? 'btn-remote' : 'btn-primary'}`}
          disabled={!body.trim() || pending || !!waiting}
        >
          {pending ? 'Sending…' : sendLabel}
        </button>
      </div>
    </form>
  );
}
