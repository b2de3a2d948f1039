import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { fmtNumber } from '../../format.ts';
import type { Import, ImportAnalysis } from '../../types.ts';
import { ErrorBox } from '../../ui/states.tsx';
import { delimiterName } from './targets.ts';

const ENCODINGS: Record<string, string> = { 'utf-8': 'UTF-8', 'utf-8-bom': 'UTF-8 (with a byte order mark)', latin1: 'Latin-1 (Windows-1252)', 'utf-16le': 'UTF-16' };

/** What the analysis found in the file as a whole, its warnings, and the read options to try again with. */
export function AnalysisSummary({ imp, canWrite }: { imp: Import; canWrite: boolean }) {
  const a = imp.analysis!;
  return (
    <section className="card" aria-labelledby="file-title">
      <h2 id="file-title">The file</h2>
      <dl className="facts" data-testid="analysis-facts">
        <div><dt>Format</dt><dd>{a.file.format}{a.file.entry ? ` (${a.file.entry} in the zip)` : ''}</dd></div>
        {a.encoding && <div><dt>Encoding</dt><dd>{ENCODINGS[a.encoding] ?? a.encoding}</dd></div>}
        {a.delimiter && <div><dt>Delimiter</dt><dd>{delimiterName(a.delimiter)}</dd></div>}
        {a.sheet && <div><dt>Sheet</dt><dd>{a.sheet}</dd></div>}
        <div><dt>Header</dt><dd>{a.header_row === null ? 'none (columns are numbered)' : `row ${a.header_row}`}</dd></div>
        <div><dt>Data rows</dt><dd>{fmtNumber(a.rows)}</dd></div>
        <div><dt>Columns</dt><dd>{fmtNumber(a.columns.length)}</dd></div>
        {a.blank_rows > 0 && <div><dt>Blank rows</dt><dd>{fmtNumber(a.blank_rows)} (skipped)</dd></div>}
        {a.broken_rows > 0 && <div><dt>Broken rows</dt><dd className="warn-text">{fmtNumber(a.broken_rows)} (will be rejected)</dd></div>}
      </dl>
      {a.warnings.map((w) => <p key={w} className="notice">{w}</p>)}
      <Preview analysis={a} />
      {canWrite && <ReadOptions imp={imp} />}
    </section>
  );
}

/** The first rows as the analysis read them: shows at once whether the delimiter and header are right. */
function Preview({ analysis }: { analysis: ImportAnalysis }) {
  if (analysis.preview.length === 0) return <p className="muted">The file has no data rows.</p>;
  return (
    <details className="preview">
      <summary>First {Math.min(10, analysis.preview.length)} rows</summary>
      <div className="table-wrap">
        <table className="table compact">
          <thead><tr><th className="num">Row</th>{analysis.columns.map((c) => <th key={c.index}>{c.name}</th>)}</tr></thead>
          <tbody>
            {analysis.preview.slice(0, 10).map((r) => (
              <tr key={r.row}><td className="num">{r.row}</td>{analysis.columns.map((c) => <td key={c.index} className="cell-value">{r.cells[c.index] ?? ''}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** Analyse again with another delimiter, encoding, header, rows to skip or sheet. */
function ReadOptions({ imp }: { imp: Import }) {
  const client = useQueryClient();
  const a = imp.analysis!;
  const [form, setForm] = useState({
    delimiter: imp.options.delimiter ?? '', encoding: imp.options.encoding, header: imp.options.header,
    skip_rows: String(imp.options.skip_rows), sheet: imp.options.sheet ?? '',
  });
  const text = a.file.format !== 'xlsx';
  const analyze = useMutation({
    mutationFn: () => api<Import>('POST', `/v1/imports/${imp.id}/analyze`, {
      ...(text && form.delimiter ? { delimiter: form.delimiter } : {}),
      ...(text ? { encoding: form.encoding } : {}),
      ...(!text && form.sheet.trim() ? { sheet: form.sheet.trim() } : {}),
      header: form.header,
      skip_rows: Number(form.skip_rows) || 0,
    }),
    onSuccess: (next) => client.setQueryData(['import', imp.id], next),
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <details className="read-options">
      <summary>Not read right? Change how the file is read</summary>
      <form className="row" onSubmit={(e) => { e.preventDefault(); analyze.mutate(); }}>
        {text && (
          <label>Delimiter
            <select value={form.delimiter} onChange={set('delimiter')}>
              {/* Once given, a delimiter stays (the API merges the options): "detect" only before that. */}
              {!imp.options.delimiter && <option value="">detect</option>}
              <option value=",">comma</option><option value=";">semicolon</option>
              <option value={'\t'}>tab</option><option value="|">pipe</option>
            </select>
          </label>
        )}
        {text && (
          <label>Encoding
            <select value={form.encoding} onChange={set('encoding')}>
              <option value="auto">detect</option><option value="utf-8">UTF-8</option><option value="latin1">Latin-1 (Windows)</option><option value="utf-16le">UTF-16</option>
            </select>
          </label>
        )}
        {!text && <label>Sheet<input value={form.sheet} onChange={set('sheet')} placeholder="the first" /></label>}
        <label>Header row
          <select value={form.header} onChange={set('header')}>
            <option value="auto">detect</option><option value="yes">first row</option><option value="no">none</option>
          </select>
        </label>
        <label>Rows to skip at the top<input type="number" min={0} value={form.skip_rows} onChange={set('skip_rows')} size={4} /></label>
        <button type="submit" disabled={analyze.isPending}>{analyze.isPending ? 'Analysing…' : 'Analyse again'}</button>
      </form>
      {analyze.error && <ErrorBox error={analyze.error} />}
    </details>
  );
}
