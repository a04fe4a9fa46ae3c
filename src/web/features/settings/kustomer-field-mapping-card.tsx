/**
 * "Field mapping" on Settings → Integrations → Kustomer: which request field (a built-in or a custom field) fills
 * which Kustomer conversation custom attribute. Rows are a draft until Save, which replaces the whole set. A pair
 * that cannot work is explained on its row as soon as both sides are picked ("Order total is a number;
 * orderNumberStr holds text", the server's rule and words), and Save refuses it; the server checks again.
 * Kustomer's attributes are read live; with none, the card says how to add them. Pairs for what is not mapped yet are
 * suggested from those attributes' names, labels and types (core/mapping-suggestions.ts, the rule the API's
 * suggestions use); "Apply suggestions" adds them to the draft, to review before Save.
 */
import { type FormEvent, Fragment, useEffect, useId, useRef, useState } from 'react';
// The server's own rule (pure core code), so a pair that cannot work is said as it is picked, in the same words Save
// would refuse it with.
import { mappingProblem, requestFieldInfo } from '../../../core/field-mapping.ts';
import { suggestMappings } from '../../../core/mapping-suggestions.ts';
import { useCustomFields } from '../../api/catalog.ts';
import { type FieldMapping, mappingProblems, type RemoteField, useFieldMappings, useKustomerFields, useSaveFieldMappings } from '../../api/field-mappings.ts';
import type { CustomField } from '../../../server/schemas/catalog.ts';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { SaveChanges } from '../../ui/form-actions.tsx';
import { ChoiceOptions } from '../../ui/choice-options.tsx';
import {
  type Choice,
  type DraftRow,
  incompleteRows,
  isDirty,
  payloadOf,
  problemsByRow,
  refusedNote,
  remoteFieldChoices,
  requestFieldChoices,
  rowsFromMappings,
  suggestionText,
  usedElsewhere,
  withSuggestions,
} from './field-mapping-format.ts';

const NOTE =
  "Values are sent when the conversation is created and whenever the field changes (changes within a second go together); a value Kustomer refuses is reported on the request's timeline. An attribute Kustomer no longer knows is left out (the conversation is still created) until it exists again. The internal side (assignee, pending approval, last internal note) goes to conversation attributes, which only Kustomer's agents see, never the requester.";

/** Whether a choice cannot be picked on a row: another row has it, or it is missing, unless the row already has it. */
const taken = (used: Set<string>, current: string) => (c: Choice) => (used.has(c.value) || !!c.missing) && c.value !== current;

/** Why a fully picked row cannot work, by the same rule Save applies; null when it can (or is not picked yet). */
function pairProblem(r: DraftRow, customFields: readonly CustomField[], remoteFields: readonly RemoteField[]): string | null {
  if (!r.requestField || !r.remoteField) return null;
  const source = requestFieldInfo(r.requestField, customFields);
  const remote = remoteFields.find((f) => f.name === r.remoteField);
  return source && remote ? mappingProblem(source, remote) : null;
}

function MappingEditor({ saved, remoteFields, customFields }: { saved: FieldMapping[]; remoteFields: RemoteField[]; customFields: CustomField[] }) {
  const idBase = useId();
  const save = useSaveFieldMappings();
  const [draft, setDraft] = useState<DraftRow[] | null>(null);
  const [checked, setChecked] = useState(false);
  const [justSaved, setSaved] = useState(false);
  const nextKey = useRef(0);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const rowsRef = useRef<HTMLTableSectionElement>(null);
  const rows = draft ?? rowsFromMappings(saved);
  const busy = save.isPending;
  const dirty = draft !== null && isDirty(draft, saved);

  const savedLabels = Object.fromEntries(saved.map((m) => [m.requestField, m.requestFieldLabel]));
  const requestChoices = requestFieldChoices(
    customFields,
    rows.map((r) => r.requestField),
    savedLabels,
  );
  const remoteChoices = remoteFieldChoices(
    remoteFields,
    rows.map((r) => r.remoteField),
  );
  const incomplete = checked ? incompleteRows(rows) : new Map<string, string>();
  const problems = problemsByRow(rows, mappingProblems(save.error));
  // Pairs that cannot work are said on their row as they are picked; after a Save attempt the banner counts them too.
  const pickedCount = rows.filter((r) => pairProblem(r, customFields, remoteFields) && !(problems.get(r.key) ?? []).length).length;
  const problemCount = [...problems.values()].reduce((n, list) => n + list.length, 0) + (checked ? pickedCount : 0);
  const otherError = mappingProblems(save.error).length ? null : save.error;
  const suggestions = suggestMappings(
    customFields.filter((f) => f.active),
    remoteFields,
    { requestFields: rows.map((r) => r.requestField).filter(Boolean), remoteFields: rows.map((r) => r.remoteField).filter(Boolean) },
  );
  const refusedNotes = new Map(saved.flatMap((m) => (m.refused ? [[`${m.requestField}\u0000${m.remoteField}`, refusedNote(m)!] as const] : [])));

  // A new row's first select takes the focus.
  useEffect(() => {
    if (!focusKey) return;
    rowsRef.current?.querySelector<HTMLSelectElement>(`[data-row="${focusKey}"] select`)?.focus();
    setFocusKey(null);
  }, [focusKey]);

  const edit = (next: DraftRow[]) => {
    setSaved(false);
    setDraft(next);
  };
  const change = (key: string, side: 'requestField' | 'remoteField', value: string) => edit(rows.map((r) => (r.key === key ? { ...r, [side]: value } : r)));
  const add = () => {
    const key = `new-${nextKey.current++}`;
    edit([...rows, { key, requestField: '', remoteField: '' }]);
    setFocusKey(key);
  };
  const remove = (key: string) => edit(rows.filter((r) => r.key !== key));
  const applySuggestions = () => edit(withSuggestions(rows, suggestions, () => `new-${nextKey.current++}`));
  const discard = () => {
    setDraft(null);
    setChecked(false);
    setSaved(false);
    save.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setChecked(true);
    if (incompleteRows(rows).size > 0 || rows.some((r) => pairProblem(r, customFields, remoteFields))) return;
    setSaved(false);
    save.mutate(payloadOf(rows), {
      onSuccess: () => {
        setDraft(null);
        setChecked(false);
        setSaved(true);
      },
    });
  };

  return (
    <form className="stack" aria-label="Field mapping" onSubmit={submit} noValidate>
      {suggestions.length > 0 && (
        <section className="banner banner-info field-mapping-suggestions" aria-label="Suggested mapping" data-testid="field-mapping-suggestions">
          <div className="stack-tight">
            <strong>{suggestions.length === 1 ? 'One suggestion' : `${suggestions.length} suggestions`} from Kustomer&apos;s attributes</strong>
            <span className="muted small">Matched by name and type. Applying adds them to the rows below; review them, then Save.</span>
            <ul>
              {suggestions.map((x) => (
                <li key={x.requestField} data-testid="field-mapping-suggestion">
                  {suggestionText(x, remoteFields)}
                </li>
              ))}
            </ul>
          </div>
          <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={applySuggestions}>
            Apply suggestions
          </button>
        </section>
      )}
      {rows.length === 0 ? (
        <p className="muted" data-testid="field-mapping-none">
          No field is mapped: escalations fill no custom attributes in Kustomer.
        </p>
      ) : (
        <table className="table field-mapping-table">
          <thead>
            <tr>
              <th scope="col">Bridgedesk field</th>
              <th aria-hidden="true" className="col-actions" />
              <th scope="col">Kustomer attribute</th>
              <th className="col-actions">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody ref={rowsRef}>
            {rows.map((r, i) => {
              const used = usedElsewhere(rows, r.key);
              const picked = pairProblem(r, customFields, remoteFields);
              const fromSave = problems.get(r.key) ?? [];
              const messages = [
                ...(incomplete.has(r.key) ? [incomplete.get(r.key)!] : []),
                ...(picked && !fromSave.includes(picked) ? [picked] : []),
                ...fromSave,
              ];
              const problemId = `${idBase}-problem-${r.key}`;
              const invalid = messages.length > 0 ? true : undefined;
              // A saved pair Kustomer refused as unknown when values were sent: said under the row until it changes.
              const refusedId = `${idBase}-refused-${r.key}`;
              const refused = refusedNotes.get(`${r.requestField}\u0000${r.remoteField}`) ?? null;
              const described = [invalid ? problemId : null, refused ? refusedId : null].filter(Boolean).join(' ') || undefined;
              // A row with a problem and the problem under it read as one: no rule between them.
              const cell = invalid || refused ? { borderBottom: 0 } : undefined;
              return (
                <Fragment key={r.key}>
                  <tr data-row={r.key} data-testid="field-mapping-row" className={invalid ? 'field-invalid' : undefined}>
                    <td style={cell}>
                      <select
                        value={r.requestField}
                        aria-label={`Bridgedesk field, row ${i + 1}`}
                        aria-invalid={invalid}
                        aria-describedby={described}
                        disabled={busy}
                        onChange={(e) => change(r.key, 'requestField', e.target.value)}
                      >
                        <option value="" disabled>
                          Choose a field…
                        </option>
                        <optgroup label="Request">
                          <ChoiceOptions choices={requestChoices.builtins} disabled={taken(used.requestFields, r.requestField)} />
                        </optgroup>
                        <optgroup label="Internal side (Kustomer agents only)">
                          <ChoiceOptions choices={requestChoices.internal} disabled={taken(used.requestFields, r.requestField)} />
                        </optgroup>
                        {requestChoices.custom.length > 0 && (
                          <optgroup label="Custom fields">
                            <ChoiceOptions choices={requestChoices.custom} disabled={taken(used.requestFields, r.requestField)} />
                          </optgroup>
                        )}
                      </select>
                    </td>
                    <td className="col-actions muted" style={cell} aria-hidden="true">
                      →
                    </td>
                    <td style={cell}>
                      <select
                        value={r.remoteField}
                        aria-label={`Kustomer attribute, row ${i + 1}`}
                        aria-invalid={invalid}
                        aria-describedby={described}
                        disabled={busy}
                        onChange={(e) => change(r.key, 'remoteField', e.target.value)}
                      >
                        <option value="" disabled>
                          Choose an attribute…
                        </option>
                        <ChoiceOptions choices={remoteChoices} disabled={taken(used.remoteFields, r.remoteField)} />
                      </select>
                    </td>
                    <td className="col-actions" style={cell}>
                      <button
                        type="button"
                        className="btn btn-small btn-ghost btn-danger"
                        disabled={busy}
                        aria-label={`Remove row ${i + 1}`}
                        onClick={() => remove(r.key)}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                  {refused && (
                    <tr data-testid="field-mapping-refused-attribute">
                      <td colSpan={4} style={{ paddingTop: 0, ...(invalid ? { borderBottom: 0 } : {}) }}>
                        <div id={refusedId} className="field-hint hint-warning">
                          {refused}
                        </div>
                      </td>
                    </tr>
                  )}
                  {invalid && (
                    <tr data-testid="field-mapping-problem">
                      <td colSpan={4} style={{ paddingTop: 0 }}>
                        <div id={problemId} className="field-error">
                          {messages.map((m) => (
                            <div key={m}>{m}</div>
                          ))}
                        </div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      <div>
        <button type="button" className="btn btn-small" disabled={busy || rows.length >= remoteChoices.length} onClick={add}>
          + Add a field
        </button>
      </div>

      {problemCount > 0 && (
        <div className="banner banner-error" role="alert" data-testid="field-mapping-refused">
          <div>
            <strong>Not saved: </strong>
            {problemCount === 1 ? 'one mapping cannot work' : `${problemCount} mappings cannot work`}. Change or remove the{' '}
            {problemCount === 1 ? 'row' : 'rows'} marked above.
          </div>
        </div>
      )}
      <ErrorBanner error={otherError} title="Not saved" />

      <SaveChanges busy={busy} dirty={dirty} saved={justSaved} onDiscard={discard} />
    </form>
  );
}

/** When Kustomer's attributes cannot be read: what is saved, as text. */
function SavedList({ saved }: { saved: FieldMapping[] }) {
  if (!saved.length) return null;
  return (
    <dl className="info" aria-label="Saved field mapping">
      {saved.map((m) => (
        <Fragment key={`${m.requestField}:${m.remoteField}`}>
          <dt>{m.requestFieldLabel}</dt>
          <dd>
            → <code>{m.remoteField}</code>
            {m.refused && <div className="field-hint hint-warning">{refusedNote(m)}</div>}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

export function KustomerFieldMappingCard() {
  const headingId = useId();
  const mappings = useFieldMappings();
  const remote = useKustomerFields();
  const custom = useCustomFields(true);
  const saved = mappings.data ?? [];

  let body;
  if (mappings.isPending || remote.isPending || custom.isPending) {
    body = <Loading label="Reading Kustomer's conversation attributes…" />;
  } else if (mappings.error || custom.error) {
    body = (
      <ErrorBanner
        error={mappings.error ?? custom.error}
        title="Cannot load the field mapping"
        onRetry={() => void (mappings.error ? mappings.refetch() : custom.refetch())}
      />
    );
  } else if (remote.error) {
    body = (
      <>
        <ErrorBanner error={remote.error} title="Cannot read Kustomer's conversation attributes" onRetry={() => void remote.refetch()} />
        <SavedList saved={saved} />
      </>
    );
  } else if (remote.data.length === 0 && saved.length === 0) {
    body = (
      <div className="target-empty" data-testid="field-mapping-empty">
        <p className="empty-title">Kustomer has no custom conversation attributes</p>
        <p className="muted">Add custom attributes to conversations in Kustomer, then check again to fill them from request fields.</p>
        <button type="button" className="btn btn-small" style={{ marginTop: 10 }} disabled={remote.isFetching} onClick={() => void remote.refetch()}>
          {remote.isFetching ? 'Checking…' : 'Check again'}
        </button>
      </div>
    );
  } else {
    body = <MappingEditor saved={saved} remoteFields={remote.data} customFields={custom.data} />;
  }

  return (
    <section className="card stack field-mapping-card" aria-labelledby={headingId} data-testid="kustomer-field-mapping">
      <div className="stack-tight">
        <h2 id={headingId}>Field mapping</h2>
        <p className="muted">
          Fill Kustomer conversation attributes from request fields and the request&apos;s internal side, so agents there see what they need in Kustomer&apos;s
          sidebar.
        </p>
      </div>
      {body}
      <p className="muted small">{NOTE}</p>
    </section>
  );
}
