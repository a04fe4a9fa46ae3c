import { type FormEvent, useState } from 'react';
import { fieldErrors } from '../../api/client.ts';
import { useQueryClient } from '@tanstack/react-query';
import { keys } from '../../api/keys.ts';
import { useCreateFirstAdmin } from '../../api/session.ts';
import { Field, Input } from '../../ui/field.tsx';
import { ErrorBanner } from '../../ui/states.tsx';
import { AuthCard } from './auth-card.tsx';

const PASSWORD_MIN = 10;

export function SetupPage() {
  const [form, setForm] = useState({ name: '', email: '', password: '', confirm: '' });
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const setup = useCreateFirstAdmin();
  const qc = useQueryClient();
  const errors = { ...fieldErrors(setup.error), ...localErrors };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!form.name.trim()) problems.name = 'Enter your name';
    if (!form.email.trim()) problems.email = 'Enter your email';
    if (form.password.length < PASSWORD_MIN) problems.password = `Use at least ${PASSWORD_MIN} characters`;
    else if (form.password !== form.confirm) problems.confirm = 'The passwords do not match';
    setLocalErrors(problems);
    if (Object.keys(problems).length) return;
    setup.mutate({ name: form.name.trim(), email: form.email.trim(), password: form.password });
  };

  return (
    <AuthCard title="Create the first admin" subtitle="Bridgedesk has no admin yet. This account can add everyone else.">
      <form onSubmit={submit} className="stack" noValidate>
        <ErrorBanner error={setup.error} />
        <Field label="Name" error={errors.name}>
          <Input autoFocus autoComplete="name" value={form.name} onChange={set('name')} />
        </Field>
        <Field label="Email" error={errors.email}>
          <Input type="email" autoComplete="username" value={form.email} onChange={set('email')} />
        </Field>
        <Field label="Password" error={errors.password} hint={`At least ${PASSWORD_MIN} characters`}>
          <Input type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />
        </Field>
        <Field label="Confirm password" error={errors.confirm}>
          <Input type="password" autoComplete="new-password" value={form.confirm} onChange={set('confirm')} />
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={setup.isPending}>
          {setup.isPending ? 'Creating…' : 'Create admin and sign in'}
        </button>
        <p className="muted small">
          Already have an account?{' '}
          <button type="button" className="link-button" onClick={() => qc.setQueryData(keys.setup, { needsAdmin: false })}>
            Sign in instead
          </button>
        </p>
      </form>
    </AuthCard>
  );
}
