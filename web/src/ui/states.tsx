import type { ReactNode } from 'react';
import { ApiError, errorMessage } from '../api.ts';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden /> {label}
    </div>
  );
}

/** Every API error is shown with its message (and the field it names, when it names one). */
export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const path = error instanceof ApiError ? error.path : undefined;
  return (
    <div className="error-box" role="alert">
      <strong>{errorMessage(error)}</strong>
      {path && <span className="muted"> (at {path})</span>}
      {retry && (
        <button type="button" className="link" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
      </div>
      {actions && <div className="actions">{actions}</div>}
    </header>
  );
}
