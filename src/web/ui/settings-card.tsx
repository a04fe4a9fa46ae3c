/**
 * A settings card's frame: its heading and what it does, then its editor once the settings load (a failed load says
 * so, with Retry); and the editor's draft, kept apart from what is saved until Save, so a refetch never overwrites
 * what the admin is typing.
 */
import type { UseMutationResult, UseQueryResult } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { ErrorBanner, Loading } from './states.tsx';

export function SettingsCard<T>({
  title,
  intro,
  testId,
  className = '',
  query,
  loadError,
  children,
}: {
  title: string;
  intro: ReactNode;
  testId: string;
  className?: string;
  query: UseQueryResult<T>;
  /** The error banner's title when the settings cannot be read. */
  loadError: string;
  children: (data: T) => ReactNode;
}) {
  const headingId = useId();
  return (
    <section className={`card stack ${className}`.trim()} aria-labelledby={headingId} data-testid={testId}>
      <div className="stack-tight">
        <h2 id={headingId}>{title}</h2>
        <p className="muted">{intro}</p>
      </div>
      {query.isPending ? (
        <Loading />
      ) : query.error ? (
        <ErrorBanner error={query.error} title={loadError} onRetry={() => void query.refetch()} />
      ) : (
        children(query.data)
      )}
    </section>
  );
}

/**
 * The draft of a settings editor over `value` (what is saved): `shown` is the draft or the saved value, `dirty` when
 * the draft differs (by `same`), `saved` after a save held until the next edit. An edit or a discard clears the last
 * save's error, which spoke of a draft that is gone.
 */
export function useSettingsDraft<T>(value: T, save: UseMutationResult<unknown, Error, T>, same: (draft: T, saved: T) => boolean) {
  const [draft, setDraft] = useState<T | null>(null);
  const [saved, setSaved] = useState(false);
  const edit = (next: T) => {
    setSaved(false);
    save.reset();
    setDraft(next);
  };
  const discard = () => {
    setDraft(null);
    save.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft === null || save.isPending) return;
    save.mutate(draft, {
      onSuccess: () => {
        setDraft(null);
        setSaved(true);
      },
    });
  };
  return { shown: draft ?? value, dirty: draft !== null && !same(draft, value), saved, edit, discard, submit };
}
