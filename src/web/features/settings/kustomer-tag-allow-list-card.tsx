/**
 * "Tags" on Settings → Integrations → Kustomer: which request tags go to the conversation when a request is
 * escalated. An empty list sends none (said so). A tag goes only when Kustomer has a tag of that name, as the last
 * connect or re-sync read them: an allowed tag Kustomer lacks is marked. A draft until Save.
 */
import { type TagAllowListView, useSaveTagAllowList, useTagAllowList } from '../../api/tag-allow-list.ts';
import { Field } from '../../ui/field.tsx';
import { SaveChanges } from '../../ui/form-actions.tsx';
import { SettingsCard, useSettingsDraft } from '../../ui/settings-card.tsx';
import { ErrorBanner } from '../../ui/states.tsx';
import { TagInput } from '../../ui/tag-input.tsx';

const PROVIDER = 'kustomer';
/** The saved list is sorted; a draft is the same when it holds the same tags in any order. */
const same = (draft: readonly string[], saved: readonly string[]) => draft.length === saved.length && [...draft].sort().every((x, i) => x === saved[i]);

function Editor({ view }: { view: TagAllowListView }) {
  const save = useSaveTagAllowList(PROVIDER);
  const { shown, dirty, saved, edit, discard, submit } = useSettingsDraft(view.allowed, save, same);
  const known = new Set(view.destinationTags.map((t) => t.toLowerCase()));
  const unknown = shown.filter((t) => !known.has(t));
  const suggestions = [...new Set([...view.destinationTags.map((t) => t.toLowerCase()), ...view.requestTags])]
    .filter((t) => /^[a-z0-9][a-z0-9._-]{0,49}$/.test(t) && !shown.includes(t))
    .slice(0, 20);
  return (
    <form className="stack" aria-label="Tags sent to Kustomer" onSubmit={submit} noValidate>
      <Field
        label="Request tags that go to Kustomer"
        hint={shown.length === 0 ? 'None: escalations send no tag to Kustomer.' : 'Matched by name with Kustomer’s tags, in any case.'}
      >
        {(id, d) => <TagInput id={id} value={shown} describedBy={d} disabled={save.isPending} onChange={edit} />}
      </Field>
      {unknown.length > 0 && (
        <p className="field-hint" data-testid="tags-unknown-in-kustomer">
          Kustomer has no tag named {unknown.join(', ')} (as of the last re-sync): {unknown.length === 1 ? 'it is' : 'they are'} not sent until one is made
          there.
        </p>
      )}
      {suggestions.length > 0 && (
        <div className="stack-tight">
          <span className="field-label">Add</span>
          <div className="tag-list" aria-label="Suggested tags">
            {suggestions.map((t) => (
              <button
                key={t}
                type="button"
                className="chip"
                disabled={save.isPending}
                onClick={() => edit([...shown, t])}
                title={known.has(t) ? 'A Kustomer tag' : 'Used on requests'}
              >
                + {t}
              </button>
            ))}
          </div>
        </div>
      )}
      <ErrorBanner error={save.error} title="Not saved" />
      <SaveChanges busy={save.isPending} dirty={dirty} saved={saved} onDiscard={discard} />
    </form>
  );
}

export function KustomerTagAllowListCard() {
  return (
    <SettingsCard
      title="Tags"
      intro="Which of a request’s tags go on its Kustomer conversation when it is escalated. Only the tags listed here go, and only when Kustomer has a tag of that name; with none listed, no tag is sent."
      testId="kustomer-tag-allow-list"
      query={useTagAllowList(PROVIDER)}
      loadError="Cannot load the tag list"
    >
      {(view) => <Editor view={view} />}
    </SettingsCard>
  );
}
