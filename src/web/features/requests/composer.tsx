/**
 * Reply to the requester or leave an internal note (staff). r / n switch mode and focus the box; Ctrl/Cmd+Enter sends.
 *
 * Why it works this way: an agent once sent a note as a public reply. After Ctrl+Enter the focus stayed in the box,
 * so the next `n` (meant to switch to "Internal note") was typed as text and the note went out as a reply. Now:
 * - after sending, focus leaves the box (to the form itself), so r / n work again and are never typed;
 * - the audience is named everywhere: frame, banner, placeholder and send button ("Send reply to Riley");
 * - text written in note mode never goes out as a reply by the keyboard alone: after switching to Reply, only the
 *   button sends it.
 */
import { type FormEvent, useId, useRef, useState } from 'react';
import { useAddComment } from '../../api/requests.ts';
import { isSubmitChord, useHotkeys } from '../../ui/hotkeys.ts';
import { ErrorBanner } from '../../ui/states.tsx';

type Mode = 'public' | 'internal';
type Via = 'button' | 'keyboard';

export function Composer({ requestId, staff, requesterName }: { requestId: string; staff: boolean; requesterName: string }) {
  const [mode, setMode] = useState<Mode>('public');
  const [body, setBody] = useState('');
  // Whether any of the text was typed while in note mode: such text is never sent as a reply by a shortcut.
  const [writtenAsNote, setWrittenAsNote] = useState(false);
  const [guard, setGuard] = useState(false);
  const [sent, setSent] = useState<Mode | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const audienceId = useId();
  const add = useAddComment(requestId);
  const internal = staff && mode === 'internal';
  const firstName = requesterName.split(/\s+/)[0] || requesterName;

  const switchTo = (m: Mode) => {
    setMode(m);
    setGuard(m === 'public' && writtenAsNote && body.trim() !== '');
    box.current?.focus();
  };
  useHotkeys({ r: () => switchTo('public'), ...(staff ? { n: () => switchTo('internal') } : {}) });

  const send = (via: Via) => {
    if (!body.trim() || add.isPending) return;
    if (via === 'keyboard' && !internal && writtenAsNote) {
      setGuard(true);
      return;
    }
    const text = body;
    const visibility: Mode = internal ? 'internal' : 'public';
    // Clear at once so the next message can be typed while this one is sent; a failure puts the text back.
    setBody('');
    setWrittenAsNote(false);
    setGuard(false);
    setSent(null);
    // Out of the box, so the page's shortcuts work again and the next keystroke is not typed into it.
    form.current?.focus();
    add.mutate(
      { body: text, visibility },
      {
        onSuccess: () => setSent(visibility),
        onError: () => {
          setBody((typed) => (typed.trim() ? `${text}\n\n${typed}` : text));
          if (visibility === 'internal') setWrittenAsNote(true);
        },
      },
    );
  };

  const audience = !staff
    ? 'Your reply goes to the support team.'
    : internal
      ? `Internal note: only agents and admins see it. ${firstName} is not told.`
      : `Reply to ${requesterName}: they see it on the request and get it by email.`;
  const sendLabel = !staff ? 'Send reply' : internal ? 'Send internal note' : `Send reply to ${firstName}`;

  return (
    <form
      ref={form}
      tabIndex={-1}
      className={`composer ${internal ? 'internal' : 'public'}`}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        send('button');
      }}
      aria-label="Comment"
      data-mode={internal ? 'internal' : 'public'}
    >
      {staff && (
        <div className="segmented" role="radiogroup" aria-label="Comment type">
          <button
            type="button"
            role="radio"
            aria-checked={!internal}
            className={!internal ? 'on' : undefined}
            onClick={() => switchTo('public')}
            title="Reply (r)"
          >
            Reply to {firstName}
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={internal}
            className={internal ? 'on' : undefined}
            onClick={() => switchTo('internal')}
            title="Internal note (n)"
          >
            Internal note
          </button>
        </div>
      )}
      <p id={audienceId} className="composer-audience" data-testid="composer-audience">
        {audience}
      </p>
      {guard && (
        <div className="banner banner-warning" role="alert" data-testid="composer-guard">
          This text was written as an internal note, so Ctrl+Enter will not send it to {firstName}. Check it, then click “{sendLabel}”, or switch back to
          Internal note.
        </div>
      )}
      <ErrorBanner error={add.error} title="Not sent" />
      <textarea
        ref={box}
        rows={4}
        aria-label={internal ? 'Internal note' : staff ? `Reply to ${requesterName}` : 'Reply'}
        aria-describedby={audienceId}
        placeholder={internal ? 'Internal note for agents and admins…' : staff ? `Reply to ${requesterName}…` : 'Write a reply…'}
        value={body}
        onChange={(e) => {
          const value = e.target.value;
          setBody(value);
          setSent(null);
          if (!value.trim()) setWrittenAsNote(false);
          else if (internal) setWrittenAsNote(true);
        }}
        onKeyDown={(e) => {
          if (isSubmitChord(e)) {
            e.preventDefault();
            send('keyboard');
          } else if (e.key === 'Escape') form.current?.focus();
        }}
      />
      <div className="composer-actions">
        <span className="muted small" role="status">
          {sent ? (
            sent === 'internal' ? (
              'Internal note added.'
            ) : (
              `Reply sent to ${firstName}.`
            )
          ) : (
            <>
              <kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Enter</kbd> to send
            </>
          )}
        </span>
        <button type="submit" className={`btn ${internal ? 'btn-warning' : 'btn-primary'}`} disabled={!body.trim() || add.isPending}>
          {add.isPending ? 'Sending…' : sendLabel}
        </button>
      </div>
    </form>
  );
}
