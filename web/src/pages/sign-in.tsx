import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { useSignIn } from '../session.tsx';
import { ErrorBox } from '../ui/states.tsx';

export function SignInPage() {
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [workspaceId, setWorkspaceId] = useState<string | undefined>();
  const err = signIn.error;
  const choices = err instanceof ApiError && err.code === 'AUD_ERR_AUTH_CHOOSE_WORKSPACE'
    ? (err.details as { workspaces: { id: string; name: string }[] }).workspaces : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password, workspace_id: workspaceId });
  };
  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <div className="brand big"><span className="logo" aria-hidden>◉</span> Audience</div>
        <h1 id="sign-in-title">Sign in</h1>
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {choices && (
          <label>
            Workspace
            <select value={workspaceId ?? ''} onChange={(e) => setWorkspaceId(e.target.value || undefined)} required>
              <option value="">Choose a workspace…</option>
              {choices.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}
            </select>
          </label>
        )}
        {err && !(choices && !workspaceId) && <ErrorBox error={err} />}
        {choices && !workspaceId && <p className="muted">This email opens several workspaces. Choose one.</p>}
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">No account? An admin adds you in Settings, or on the server: <code>npx audience user create</code>.</p>
      </form>
    </main>
  );
}
