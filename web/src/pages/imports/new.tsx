import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api.ts';
import { fmtNumber } from '../../format.ts';
import { useCan } from '../../session.tsx';
import type { Import } from '../../types.ts';
import { FileDrop } from '../../ui/file-drop.tsx';
import { ErrorBox, Loading, PageHeader } from '../../ui/states.tsx';
import { Steps } from './status.tsx';

const ACCEPT = '.csv,.tsv,.txt,.xlsx,.zip';

/** Step 1: the file goes up and is analysed at once; the wizard goes on at the import's own page. */
export function NewImportPage() {
  const can = useCan();
  const navigate = useNavigate();
  const client = useQueryClient();
  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.set('file', file);
      return api<Import>('POST', '/v1/imports', form);
    },
    onSuccess: (imp) => {
      client.setQueryData(['import', imp.id], imp);
      void client.invalidateQueries({ queryKey: ['imports'] });
      navigate(`/imports/${imp.id}`, { replace: true });
    },
  });
  const file = upload.variables;
  return (
    <div className="page">
      <PageHeader title="New import" subtitle={<Link to="/imports">← All imports</Link>} />
      <Steps status="new" />
      {!can.write ? <ErrorBox error={new Error('Only editors and admins can import files.')} /> : (
        <section className="card" aria-labelledby="upload-title">
          <h2 id="upload-title">Choose a file</h2>
          <FileDrop accept={ACCEPT} onFile={(f) => upload.mutate(f)} disabled={upload.isPending} label="File to import">
            <strong>Drop a file here, or choose one</strong>
            <span className="muted small">.csv, .tsv, .txt, .xlsx, or a .zip holding one · up to 200 MB</span>
          </FileDrop>
          {upload.isPending && file && (
            <Loading label={`Uploading and analysing ${file.name} (${fmtNumber(Math.max(1, Math.round(file.size / 1024)))} KB)…`} />
          )}
          {upload.error && <ErrorBox error={upload.error} />}
          <p className="muted small">
            The file is read whole once: every column's values are checked, so the next step shows what each
            column holds and which values would be refused. Nothing is imported until you start it.
          </p>
        </section>
      )}
    </div>
  );
}
