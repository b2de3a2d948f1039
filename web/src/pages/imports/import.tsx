import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, get } from '../../api.ts';
import { fmtDateTime } from '../../format.ts';
import { useCan } from '../../session.tsx';
import type { Import } from '../../types.ts';
import { Modal } from '../../ui/modal.tsx';
import { ErrorBox, Loading, PageHeader } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';
import { AnalysisSummary } from './analysis.tsx';
import { ImportProgress } from './progress.tsx';
import { ReadyStep } from './ready-step.tsx';
import { ImportResult } from './result.tsx';
import { isActive, StatusBadge, Steps } from './status.tsx';

/** How often a running import is asked for its progress. */
const POLL_MS = 1000;

/** One import: the mapping step while it is ready, its live progress while it runs, then its result. */
export function ImportPage() {
  const { id } = useParams() as { id: string };
  const can = useCan();
  const navigate = useNavigate();
  const client = useQueryClient();
  const toast = useToast();
  const [confirm, setConfirm] = useState<'cancel' | 'delete' | null>(null);
  const imp = useQuery({
    queryKey: ['import', id],
    queryFn: ({ signal }) => get<Import>(`/v1/imports/${id}`, signal),
    refetchInterval: (q) => (q.state.data && isActive(q.state.data.status) ? POLL_MS : false),
  });
  const refresh = () => Promise.all([client.invalidateQueries({ queryKey: ['import', id] }), client.invalidateQueries({ queryKey: ['imports'] })]);
  const cancel = useMutation({
    mutationFn: () => api<Import>('POST', `/v1/imports/${id}/cancel`),
    onSuccess: () => { setConfirm(null); toast('Import cancelled'); return refresh(); },
  });
  const remove = useMutation({
    mutationFn: () => api('DELETE', `/v1/imports/${id}`),
    onSuccess: () => {
      toast('Import deleted from the history');
      client.removeQueries({ queryKey: ['import', id] });
      void client.invalidateQueries({ queryKey: ['imports'] });
      navigate('/imports');
    },
  });

  if (imp.isPending) return <div className="page"><Loading label="Loading the import…" /></div>;
  if (imp.error) return <div className="page"><ErrorBox error={imp.error} retry={() => imp.refetch()} /><Link to="/imports">← All imports</Link></div>;
  const i = imp.data;
  const ended = i.status === 'done' || i.status === 'failed' || i.status === 'cancelled';
  return (
    <div className="page">
      <PageHeader title={<>{i.file.name} <StatusBadge status={i.status} /></>}
        subtitle={<><Link to="/imports">← All imports</Link> · uploaded {fmtDateTime(i.created_at)}</>}
        actions={can.write && (
          <>
            {(i.status === 'ready' || i.status === 'running') && (
              <button type="button" onClick={() => setConfirm('cancel')}>{i.status === 'ready' ? 'Discard' : 'Cancel import'}</button>
            )}
            {ended && <button type="button" onClick={() => setConfirm('delete')}>Delete</button>}
          </>
        )} />
      <Steps status={i.status} />
      {i.status === 'analyzing' && <Loading label="Analysing the file…" />}
      {i.status === 'ready' && (i.analysis ? (
        <>
          <AnalysisSummary imp={i} canWrite={can.write} />
          <ReadyStep key={analysisKey(i)} imp={i} onStarted={refresh} />
        </>
      ) : <ErrorBox error={new Error('The analysis is missing; upload the file again.')} />)}
      {i.status === 'running' && <ImportProgress imp={i} />}
      {ended && <ImportResult imp={i} />}

      <Modal open={confirm === 'cancel'} onClose={() => setConfirm(null)} title={i.status === 'ready' ? 'Discard this import?' : 'Cancel this import?'}
        footer={<>
          <button type="button" onClick={() => setConfirm(null)}>Keep it</button>
          <button type="button" className="danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>{i.status === 'ready' ? 'Discard' : 'Cancel import'}</button>
        </>}>
        <p>{i.status === 'ready'
          ? 'Nothing has been imported; the uploaded file is removed.'
          : 'It stops after the batch it is writing. The rows already imported stay; the rest of the file is not read, and a cancelled import can not be resumed.'}</p>
        {cancel.error && <ErrorBox error={cancel.error} />}
      </Modal>
      <Modal open={confirm === 'delete'} onClose={() => setConfirm(null)} title="Delete this import?"
        footer={<>
          <button type="button" onClick={() => setConfirm(null)}>Keep it</button>
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>Delete</button>
        </>}>
        <p>It leaves the history with its rejected rows. The profiles it imported stay.</p>
        {remove.error && <ErrorBox error={remove.error} />}
      </Modal>
    </div>
  );
}

/** A new analysis (other read options) starts the mapping afresh. */
const analysisKey = (i: Import) => JSON.stringify([i.options, i.analysis?.columns.map((c) => c.name), i.analysis?.rows]);
