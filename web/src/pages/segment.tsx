import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, ApiError, get } from '../api.ts';
import { nodeForPath, rootFromRule, toRule, type GroupNode } from '../builder/model.ts';
import { RuleBuilder } from '../builder/rule-builder.tsx';
import { useBuilderEnv } from '../builder/use-builder-env.ts';
import { fmtNumber, personName } from '../format.ts';
import { useCan } from '../session.tsx';
import type { Preview, Segment } from '../types.ts';
import { useDebounced } from '../ui/hooks.ts';
import { Modal } from '../ui/modal.tsx';
import { ErrorBox, Loading, PageHeader } from '../ui/states.tsx';
import { useToast } from '../ui/toast.tsx';
import { SegmentMembers } from './segment-members.tsx';

// The chart library loads only when a saved segment's page opens (it is not in the first page's bundle).
const SizeChart = lazy(() => import('./segment-chart.tsx'));

export function SegmentPage() {
  const { id } = useParams();
  const location = useLocation();
  const segment = useQuery({ queryKey: ['segment', id], queryFn: ({ signal }) => get<Segment>(`/v1/segments/${id}`, signal), enabled: !!id });
  if (id && segment.isPending) return <div className="page"><Loading /></div>;
  if (id && segment.error) return <div className="page"><ErrorBox error={segment.error} retry={() => segment.refetch()} /></div>;
  const initialRule = (location.state as { rule?: unknown } | null)?.rule;
  return <SegmentEditor key={id ?? 'new'} segment={segment.data} initialRule={initialRule} />;
}

function SegmentEditor({ segment, initialRule }: { segment?: Segment; initialRule?: unknown }) {
  const can = useCan();
  const navigate = useNavigate();
  const client = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [root, setRoot] = useState<GroupNode>(() => rootFromRule(segment?.rule ?? initialRule ?? { all: [] }));
  const [deleting, setDeleting] = useState(false);
  const readOnly = !can.write || !!segment?.predefined;

  const { rule, paths } = useMemo(() => {
    const p = new Map<string, string>();
    return { rule: toRule(root, p), paths: p };
  }, [root]);
  const ruleJson = JSON.stringify(rule);
  const dirty = !segment || ruleJson !== JSON.stringify(toRule(rootFromRule(segment.rule))) || name !== segment.name || (description || null) !== segment.description;

  // Live preview: 300 ms after the last change; the query key is the rule, so an answer for an older
  // rule is never shown for a newer one, and the superseded request is aborted.
  const debounced = useDebounced(ruleJson, 300);
  const preview = useQuery({
    queryKey: ['preview', debounced],
    queryFn: ({ signal }) => api<Preview>('POST', '/v1/segments/preview', { rule: JSON.parse(debounced) }, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  const typing = debounced !== ruleJson || preview.isFetching;

  const save = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), description: description.trim() || null, rule };
      return segment ? api<Segment>('PATCH', `/v1/segments/${segment.id}`, body) : api<Segment>('POST', '/v1/segments', body);
    },
    onSuccess: (s) => {
      client.setQueryData(['segment', s.id], s);
      void client.invalidateQueries({ queryKey: ['segments'] });
      toast(`Saved "${s.name}"`);
      if (!segment) navigate(`/segments/${s.id}`, { replace: true });
    },
  });
  const duplicate = useMutation({
    mutationFn: () => api<Segment>('POST', `/v1/segments/${segment!.id}/duplicate`, {}),
    onSuccess: (s) => {
      void client.invalidateQueries({ queryKey: ['segments'] });
      toast(`Created "${s.name}"`);
      navigate(`/segments/${s.id}`);
    },
  });
  const remove = useMutation({
    mutationFn: () => api('DELETE', `/v1/segments/${segment!.id}`),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['segments'] });
      toast(`Deleted "${segment!.name}"`);
      navigate('/segments');
    },
  });

  // A 422 names the rule node (rule.all[2].op): show its message on that node.
  const errors = new Map<string, string>();
  let topError: unknown;
  for (const err of [save.error, debounced === ruleJson ? preview.error : null]) {
    if (!err) continue;
    const nodeId = err instanceof ApiError && err.path?.startsWith('rule') ? nodeForPath(paths, err.path) : undefined;
    if (nodeId) {
      if (!errors.has(nodeId)) errors.set(nodeId, err.message);
    } else if (!topError) topError = err;
  }
  const env = useBuilderEnv({ errors, readOnly, selfId: segment?.id });

  return (
    <div className="page">
      <PageHeader
        title={segment ? segment.name : 'New segment'}
        subtitle={segment && <>{segment.predefined ? 'Predefined · read-only' : `Version ${segment.version}`} · {fmtNumber(segment.member_count)} members · {segment.status}</>}
        actions={<>
          {segment && can.write && <button type="button" onClick={() => duplicate.mutate()} disabled={duplicate.isPending}>Duplicate</button>}
          {segment && can.write && !segment.predefined && <button type="button" className="danger" onClick={() => { remove.reset(); setDeleting(true); }}>Delete…</button>}
        </>}
      />
      {duplicate.error && <ErrorBox error={duplicate.error} />}
      {segment?.predefined && <p className="notice">Predefined segments can not be changed. Duplicate this one to edit a copy.</p>}
      {!can.write && <p className="notice">You can view segments; your role ({can.role}) can not save them.</p>}
      <div className="builder-layout">
        <form className="card builder-card" onSubmit={(e) => { e.preventDefault(); if (!readOnly) save.mutate(); }}>
          <div className="row">
            <label className="grow">Name
              <input value={name} onChange={(e) => setName(e.target.value)} required readOnly={readOnly} placeholder="e.g. Big spenders in London" />
            </label>
          </div>
          <label>Description
            <input value={description} onChange={(e) => setDescription(e.target.value)} readOnly={readOnly} placeholder="Optional" />
          </label>
          <h2>Rule</h2>
          <RuleBuilder root={root} onChange={setRoot} env={env} />
          {topError ? <ErrorBox error={topError} /> : null}
          {!readOnly && (
            <div className="form-actions">
              <button type="submit" className="primary" disabled={save.isPending || !name.trim() || (!!segment && !dirty)}>
                {save.isPending ? 'Saving…' : segment ? 'Save changes' : 'Save segment'}
              </button>
              {segment && dirty && <span className="muted small">Unsaved changes</span>}
            </div>
          )}
        </form>
        <aside className="card preview-card" aria-labelledby="preview-title" aria-busy={typing}>
          <h2 id="preview-title">Live preview</h2>
          <p className="preview-count" data-testid="preview-count">
            {preview.data ? fmtNumber(preview.data.count) : '…'}
            <span className="muted small"> {preview.data?.count === 1 ? 'person matches' : 'people match'}{typing ? ' (updating…)' : ''}</span>
          </p>
          {preview.error && debounced === ruleJson && <p className="node-error">The rule has an error; fix the marked condition.</p>}
          {preview.data && preview.data.sample.length > 0 && (
            <ul className="plain sample">
              {preview.data.sample.map((p) => <li key={p.id}><Link to={`/people/${p.id}`}>{personName(p)}</Link></li>)}
            </ul>
          )}
        </aside>
      </div>
      {segment && (
        <>
          <section className="card" aria-labelledby="chart-title">
            <h2 id="chart-title">Size over time</h2>
            <Suspense fallback={<Loading />}><SizeChart segmentId={segment.id} /></Suspense>
          </section>
          <SegmentMembers segment={segment} />
        </>
      )}
      <Modal open={deleting} onClose={() => setDeleting(false)} title={`Delete "${segment?.name}"?`}
        footer={<>
          <button type="button" onClick={() => setDeleting(false)}>Cancel</button>
          <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending || !!remove.error}>Delete</button>
        </>}>
        <p>The segment and its membership history go away. Profiles stay.</p>
        {remove.error && <ErrorBox error={remove.error} />}
      </Modal>
    </div>
  );
}
