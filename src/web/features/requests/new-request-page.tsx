/** /requests/new: file a request. The service decides which custom fields are asked. Ctrl/Cmd+Enter submits. */
import { type FormEvent, useMemo, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { useCustomFields, useServices } from '../../api/catalog.ts';
import { fieldErrors } from '../../api/client.ts';
import { type NewRequestBody, useCreateRequest } from '../../api/requests.ts';
import { useMe } from '../../api/session.ts';
import { isStaffRole } from '../../../core/actor.ts';
import { type Priority } from '../../../core/request.ts';
import type { FieldValue } from '../../../server/schemas/request.ts';
import { Field, Input, TextArea, Select } from '../../ui/field.tsx';
import { isSubmitChord } from '../../ui/hotkeys.ts';
import { ErrorBanner, Notice } from '../../ui/states.tsx';
import { TagInput } from '../../ui/tag-input.tsx';
import { UserPicker } from '../../ui/user-picker.tsx';
import { CustomFieldInput } from './custom-field-input.tsx';
import { applicableFields, valuesForCreate } from './custom-field-values.ts';
import { requestListHref } from './last-list.ts';
import { PriorityOptions } from '../../ui/choice-options.tsx';
import { AttachmentTray, pasteFiles, uploadsBlock, useDropZone } from '../attachments/attachment-tray.tsx';
import { useUploads } from '../attachments/use-uploads.ts';

export function NewRequestPage() {
  const me = useMe();
  const staff = isStaffRole(me.role);
  const [, navigate] = useLocation();
  const services = useServices();
  const fieldDefs = useCustomFields();
  const create = useCreateRequest();
  const form = useRef<HTMLFormElement>(null);
  const uploads = useUploads();
  const { dragging, dropProps } = useDropZone(uploads);
  const waiting = uploadsBlock(uploads);

  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [serviceId, setServiceId] = useState('');
  const [priority, setPriority] = useState<Priority>('medium');
  const [requester, setRequester] = useState<{ id: string; name: string } | null>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const [titleMissing, setTitleMissing] = useState(false);

  const fields = useMemo(() => applicableFields(fieldDefs.data ?? [], serviceId || null), [fieldDefs.data, serviceId]);
  const errors = fieldErrors(create.error);
  const service = services.data?.find((s) => s.id === serviceId);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (create.isPending || waiting) return;
    if (!title.trim()) {
      setTitleMissing(true);
      form.current?.querySelector<HTMLInputElement>('input[name="title"]')?.focus();
      return;
    }
    setTitleMissing(false);
    const body: NewRequestBody = { title: title.trim() };
    if (description.trim()) body.description = description;
    if (serviceId) body.serviceId = serviceId;
    if (staff) {
      body.priority = priority;
      if (requester) body.requesterId = requester.id;
      if (tags.length) body.tags = tags;
    }
    const customFields = valuesForCreate(fieldDefs.data ?? [], serviceId || null, values);
    if (Object.keys(customFields).length) body.customFields = customFields;
    if (uploads.ids.length) body.attachmentIds = uploads.ids;
    create.mutate(body, { onSuccess: (r) => navigate(`/requests/${r.key}`) });
  };

  return (
    <div className="page page-narrow">
      <div className="page-header">
        <h1>New request</h1>
      </div>
      <form
        ref={form}
        className={`card stack${dragging ? ' dropping' : ''}`}
        noValidate
        {...dropProps}
        onSubmit={submit}
        onKeyDown={(e) => {
          if (isSubmitChord(e)) {
            e.preventDefault();
            submit();
          }
        }}
      >
        <ErrorBanner error={create.error} title="Could not file the request" />
        <Field label="Title" required error={titleMissing ? 'Give the request a title' : errors.title}>
          <Input name="title" autoFocus maxLength={200} value={title} placeholder="What do you need?" onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="Description" error={errors.description}>
          <TextArea
            rows={6}
            value={description}
            placeholder="Details, steps, links… (paste a screenshot to attach it)"
            onPaste={pasteFiles(uploads)}
            onChange={(e) => setDescription(e.target.value)}
          />
        </Field>
        <div className="grid-2">
          <Field label="Service" error={errors.serviceId} hint={services.error ? 'Services could not be loaded' : service?.description || undefined}>
            <Select value={serviceId} disabled={!services.data} onChange={(e) => setServiceId(e.target.value)}>
              <option value="">{services.data?.length === 0 ? 'No services set up' : 'No particular service'}</option>
              {services.data
                ?.filter((s) => s.active)
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
            </Select>
          </Field>
          {staff && (
            <Field label="Priority" error={errors.priority}>
              <Select value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
                <PriorityOptions />
              </Select>
            </Field>
          )}
        </div>
        {staff && (
          <div className="grid-2">
            <Field label="On behalf of" error={errors.requesterId} hint="Leave empty to file it as yourself">
              {(id, d) => (
                <UserPicker
                  id={id}
                  describedBy={d}
                  value={requester?.id ?? null}
                  valueLabel={requester?.name}
                  placeholder={`${me.name} (you)`}
                  onChange={(userId, user) => setRequester(userId && user ? { id: userId, name: user.name } : null)}
                />
              )}
            </Field>
            <Field label="Tags" error={Object.entries(errors).find(([k]) => k.startsWith('tags'))?.[1]}>
              {(id, d) => <TagInput id={id} describedBy={d} value={tags} onChange={setTags} />}
            </Field>
          </div>
        )}
        <AttachmentTray uploads={uploads} />
        {fieldDefs.error && <Notice tone="warning">Custom fields could not be loaded; you can still file the request.</Notice>}
        {fields.length > 0 && (
          <fieldset className="custom-fields">
            <legend>{service ? `${service.name} details` : 'Details'}</legend>
            <div className="grid-2">
              {fields.map((f) => (
                <Field
                  key={f.id}
                  label={f.label}
                  required={f.required}
                  error={errors[`customFields.${f.key}`]}
                  className={f.type === 'long_text' ? 'span-2' : undefined}
                >
                  {(id, d) => (
                    <CustomFieldInput
                      id={id}
                      describedBy={d}
                      field={f}
                      me={me}
                      staff={staff}
                      value={values[f.key]}
                      onChange={(v) => setValues((old) => ({ ...old, [f.key]: v }))}
                    />
                  )}
                </Field>
              ))}
            </div>
          </fieldset>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={create.isPending || !!waiting}>
            {create.isPending ? 'Filing…' : 'File request'}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => navigate(requestListHref())}>
            Cancel
          </button>
          <span className="muted small" role="status">
            {waiting && <>{waiting} · </>}
            <kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Enter</kbd> to file
          </span>
        </div>
      </form>
    </div>
  );
}
