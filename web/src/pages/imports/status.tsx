import type { ImportStatus } from '../../types.ts';

const STATUS_LABELS: Record<ImportStatus, string> = {
  analyzing: 'Analysing', ready: 'Ready to map', running: 'Running', done: 'Done', failed: 'Failed', cancelled: 'Cancelled',
};

/** True while the server is still working on the import (the pages poll it then). */
export const isActive = (s: ImportStatus) => s === 'analyzing' || s === 'running';

export function StatusBadge({ status }: { status: ImportStatus }) {
  return <span className={`badge import-status status-${status}`}>{STATUS_LABELS[status]}</span>;
}

const STEPS = ['Upload', 'Map columns', 'Import', 'Result'] as const;
const STEP_OF: Record<ImportStatus | 'new', number> = { new: 0, analyzing: 0, ready: 1, running: 2, done: 3, failed: 3, cancelled: 3 };

/** Where the wizard is: the steps done, the current one (aria-current), the ones to come. */
export function Steps({ status }: { status: ImportStatus | 'new' }) {
  const current = STEP_OF[status];
  return (
    <ol className="wizard-steps" aria-label="Import steps">
      {STEPS.map((label, i) => (
        <li key={label} className={i < current ? 'done' : i === current ? 'current' : undefined} aria-current={i === current ? 'step' : undefined}>
          <span className="step-number" aria-hidden>{i < current ? '✓' : i + 1}</span> {label}
        </li>
      ))}
    </ol>
  );
}
