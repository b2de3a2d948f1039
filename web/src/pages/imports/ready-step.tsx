import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { fmtNumber } from '../../format.ts';
import { useAttributes, useChannels } from '../../queries.ts';
import { useCan } from '../../session.tsx';
import type { Import, ImportTarget } from '../../types.ts';
import { ErrorBox, Loading } from '../../ui/states.tsx';
import { MappingEditor } from './mapping.tsx';
import { DEFAULT_RUN_OPTIONS, RunOptions, runOptionsBody } from './run-options.tsx';
import { failing, hasIdentifier, mappingToSend } from './targets.ts';

/**
 * Step 2 of the wizard, for an analysed import: the mapping (the suggestion to start from), the run
 * options, then the start. The page remounts it when the file is analysed again.
 */
export function ReadyStep({ imp, onStarted }: { imp: Import; onStarted: () => Promise<unknown> }) {
  const analysis = imp.analysis!;
  const can = useCan();
  const attributes = useAttributes();
  const channels = useChannels();
  const [mapping, setMapping] = useState<Record<string, ImportTarget>>(
    () => Object.fromEntries(analysis.columns.map((c) => [c.name, c.suggestion.target])),
  );
  const [options, setOptions] = useState(DEFAULT_RUN_OPTIONS);
  const known = useMemo(() => new Map((attributes.data ?? []).map((a) => [a.name, a])), [attributes.data]);
  const run = useMutation({
    mutationFn: () => api<Import>('POST', `/v1/imports/${imp.id}/run`, { mapping: mappingToSend(mapping, known), ...runOptionsBody(options) }),
    onSuccess: onStarted,
  });
  const identified = hasIdentifier(mapping);
  const rejectedAtMost = Math.min(analysis.rows, analysis.columns.reduce((n, c) => n + failing(mapping[c.name] ?? { kind: 'skip' }, c, known), 0) + analysis.broken_rows);

  return (
    <>
      <section className="card" aria-labelledby="mapping-title">
        <h2 id="mapping-title">Map the columns</h2>
        <p className="muted small">
          Each column becomes an identifier (it finds or creates the profile: at least one is needed), an attribute, tags,
          or consent — or is skipped. The choices start from a suggestion; consent is never suggested.
        </p>
        {attributes.isPending || channels.isPending ? <Loading label="Loading the attributes…" />
          : attributes.error || channels.error ? <ErrorBox error={attributes.error ?? channels.error} retry={() => { void attributes.refetch(); void channels.refetch(); }} />
          : <MappingEditor columns={analysis.columns} mapping={mapping} attributes={attributes.data} channels={channels.data}
              onChange={(column, target) => setMapping((m) => ({ ...m, [column]: target }))} disabled={!can.write || run.isPending} />}
      </section>
      <section className="card" aria-labelledby="options-title">
        <h2 id="options-title">Options</h2>
        <RunOptions value={options} onChange={setOptions} disabled={!can.write || run.isPending} />
      </section>
      <div className="form-actions wizard-footer">
        {can.write ? (
          <button type="button" className="primary" disabled={!identified || run.isPending || attributes.isPending} onClick={() => run.mutate()}>
            {run.isPending ? 'Starting…' : `Import ${fmtNumber(analysis.rows)} rows`}
          </button>
        ) : <p className="muted">Only editors and admins can run imports.</p>}
        {!identified && <p className="notice" role="status">Map at least one column to an identifier (email, phone or external ID).</p>}
        {identified && rejectedAtMost > 0 && (
          <p className="muted small">Up to {fmtNumber(rejectedAtMost)} rows will be rejected (the warnings above); the others are imported.</p>
        )}
      </div>
      {run.error && <ErrorBox error={run.error} />}
    </>
  );
}
