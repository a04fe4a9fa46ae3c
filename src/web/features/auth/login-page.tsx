import { type FormEvent, useState } from 'react';
import { fieldErrors } from '../../api/client.ts';
import { useLogin } from '../../api/session.ts';
import { Field, Input } from '../../ui/field.tsx';
import { ErrorBanner } from '../../ui/states.tsx';
import { AuthCard } from './auth-card.tsx';

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useLogin();
  const errors = fieldErrors(login.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email: email.trim(), password });
  };
  return (
    <AuthCard title="Sign in">
      <form onSubmit={submit} className="stack" noValidate>
        <ErrorBanner error={login.error} />
        <Field label="Email" error={errors.email}>
          <Input type="email" autoComplete="username" autoFocus required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Password" error={errors.password}>
          <Input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  );
}
