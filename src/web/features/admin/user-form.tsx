/** Add or change a person: profile, role, manager, password. */
import { type FormEvent, useState } from 'react';
import { type UserInput, useSaveUser } from '../../api/catalog.ts';
import { fieldErrors } from '../../api/client.ts';
import { type Role, ROLES } from '../../../core/actor.ts';
import type { User } from '../../../server/schemas/user.ts';
import { Field, Input, Select } from '../../ui/field.tsx';
import { roleLabel } from '../../ui/format.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { changedFields, orNull } from './form-helpers.ts';
import { FormActions } from '../../ui/form-actions.tsx';
import { NamedOptions, Options } from '../../ui/choice-options.tsx';

const PASSWORD_MIN = 10;

export function UserForm({ user, people, onDone }: { user: User | null; people: User[]; onDone: () => void }) {
  const save = useSaveUser();
  const [form, setForm] = useState({
    name: user?.name ?? '',
    email: user?.email ?? '',
    role: (user?.role ?? 'requester') as Role,
    password: '',
    managerId: user?.managerId ?? '',
    department: user?.department ?? '',
    title: user?.title ?? '',
    location: user?.location ?? '',
  });
  const [localError, setLocalError] = useState<string | undefined>();
  const errors = fieldErrors(save.error);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (form.password && form.password.length < PASSWORD_MIN) {
      setLocalError(`Use at least ${PASSWORD_MIN} characters`);
      return;
    }
    setLocalError(undefined);
    const input: UserInput = {
      name: form.name.trim(),
      email: form.email.trim(),
      role: form.role,
      managerId: form.managerId || null,
      department: orNull(form.department),
      title: orNull(form.title),
      location: orNull(form.location),
    };
    const body: UserInput = user ? changedFields(user, input) : input;
    if (form.password) body.password = form.password;
    if (user && Object.keys(body).length === 0) return onDone();
    save.mutate({ id: user?.id, input: body }, { onSuccess: onDone });
  };

  const managers = people.filter((p) => p.id !== user?.id && p.active);
  return (
    <form className="stack" onSubmit={submit} noValidate>
      <ErrorBanner error={save.error} />
      <div className="grid-2">
        <Field label="Name" required error={errors.name}>
          <Input autoFocus value={form.name} onChange={set('name')} />
        </Field>
        <Field label="Email" required error={errors.email}>
          <Input type="email" value={form.email} onChange={set('email')} />
        </Field>
        <Field label="Role" error={errors.role} hint="Agents work requests; admins also manage Bridgedesk">
          <Select value={form.role} onChange={set('role')}>
            <Options values={ROLES} label={roleLabel} />
          </Select>
        </Field>
        <Field label="Manager" error={errors.managerId}>
          <Select value={form.managerId} onChange={set('managerId')}>
            <option value="">No manager</option>
            <NamedOptions items={managers} />
          </Select>
        </Field>
        <Field label="Department" error={errors.department}>
          <Input value={form.department} onChange={set('department')} />
        </Field>
        <Field label="Job title" error={errors.title}>
          <Input value={form.title} onChange={set('title')} />
        </Field>
        <Field label="Location" error={errors.location}>
          <Input value={form.location} onChange={set('location')} />
        </Field>
        <Field
          label={user ? 'New password' : 'Password'}
          error={localError ?? errors.password}
          hint={user ? 'Leave empty to keep it. Setting one signs them out everywhere.' : 'Leave empty for people who do not sign in (yet)'}
        >
          <Input type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />
        </Field>
      </div>
      <FormActions saving={save.isPending} label={user ? 'Save changes' : 'Add person'} onCancel={onDone} />
    </form>
  );
}
