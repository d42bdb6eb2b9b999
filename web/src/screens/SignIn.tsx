import { useState, type FormEvent } from 'react';
import { signIn } from '../session';
import { Field } from '../ui';

export function SignIn({ reason }: { reason: string | null }) {
  const [key, setKey] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (key.trim()) signIn(key);
  };
  return (
    <main className="signin">
      <h1>Podium console</h1>
      {reason && (
        <p role="alert" className="error">
          {reason}
        </p>
      )}
      <form onSubmit={submit}>
        <Field label="Admin key" hint="Kept for this browser tab only; closing the tab signs you out.">
          <input type="password" autoComplete="current-password" required value={key} onChange={(e) => setKey(e.target.value)} />
        </Field>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
