/** Reply to the requester or leave an internal note (staff). r / n focus it; Ctrl/Cmd+Enter sends. */
import { type FormEvent, useRef, useState } from 'react';
import { useAddComment } from '../../api/requests.ts';
import { isSubmitChord, useHotkeys } from '../../ui/hotkeys.ts';
import { ErrorBanner } from '../../ui/states.tsx';

export function Composer({ requestId, staff }: { requestId: string; staff: boolean }) {
  const [mode, setMode] = useState<'public' | 'internal'>('public');
  const [body, setBody] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  const add = useAddComment(requestId);
  const internal = staff && mode === 'internal';

  const focus = (m: 'public' | 'internal') => {
    setMode(m);
    box.current?.focus();
  };
  useHotkeys({ r: () => focus('public'), ...(staff ? { n: () => focus('internal') } : {}) });

  const send = (e?: FormEvent) => {
    e?.preventDefault();
    if (!body.trim() || add.isPending) return;
    // Clear at once so the next message can be typed while this one is sent; a failure puts the text back.
    const text = body;
    setBody('');
    add.mutate({ body: text, visibility: internal ? 'internal' : 'public' }, { onError: () => setBody((typed) => (typed.trim() ? `${text}\n\n${typed}` : text)) });
  };

  return (
    <form className={`composer${internal ? ' internal' : ''}`} onSubmit={send} aria-label="Comment">
      {staff && (
        <div className="segmented" role="radiogroup" aria-label="Comment type">
          <button type="button" role="radio" aria-checked={!internal} className={!internal ? 'on' : undefined} onClick={() => focus('public')}>
            Reply
          </button>
          <button type="button" role="radio" aria-checked={internal} className={internal ? 'on' : undefined} onClick={() => focus('internal')}>
            Internal note
          </button>
        </div>
      )}
      <ErrorBanner error={add.error} title="Not sent" />
      <textarea
        ref={box}
        rows={4}
        aria-label={internal ? 'Internal note' : 'Reply'}
        placeholder={internal ? 'Only agents and admins see internal notes…' : 'Write a reply…'}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (isSubmitChord(e)) {
            e.preventDefault();
            send();
          } else if (e.key === 'Escape') box.current?.blur();
        }}
      />
      <div className="composer-actions">
        <span className="muted small">
          {internal ? 'Hidden from the requester. ' : ''}
          <kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Enter</kbd> to send
        </span>
        <button type="submit" className={`btn ${internal ? 'btn-warning' : 'btn-primary'}`} disabled={!body.trim() || add.isPending}>
          {add.isPending ? 'Sending…' : internal ? 'Add internal note' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
