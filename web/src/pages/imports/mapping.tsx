import { fmtNumber } from '../../format.ts';
import type { Attribute, AttributeType, Channel, ImportColumn, ImportTarget } from '../../types.ts';
import { type Choice, CHOICE_LABELS, CHOICES, choiceOf, expects, failing, looksLike, targetFor, TYPE_LABELS } from './targets.ts';

const TYPES = Object.keys(TYPE_LABELS) as AttributeType[];

/**
 * The mapping step: one row per column of the file with what the analysis saw in it (how many cells are
 * filled, the type its values look like, sample values) and what it becomes. A choice that some values do
 * not fit says how many rows it would reject, before anything is imported.
 */
export function MappingEditor({ columns, mapping, onChange, attributes, channels, disabled }: {
  columns: ImportColumn[];
  mapping: Record<string, ImportTarget>;
  onChange: (column: string, target: ImportTarget) => void;
  attributes: Attribute[];
  channels: Channel[];
  disabled?: boolean;
}) {
  const known = new Map(attributes.map((a) => [a.name, a]));
  return (
    <>
      <datalist id="import-attributes">
        {attributes.filter((a) => !a.derived).map((a) => <option key={a.name} value={a.name}>{a.label} ({TYPE_LABELS[a.type]})</option>)}
      </datalist>
      <ul className="mapping" aria-label="Columns of the file">
        {columns.map((c) => (
          <MappingRow key={c.index} column={c} target={mapping[c.name] ?? { kind: 'skip' }} known={known}
            channels={channels.map((ch) => ch.name)} onChange={(t) => onChange(c.name, t)} disabled={disabled} />
        ))}
      </ul>
    </>
  );
}

function MappingRow({ column, target, known, channels, onChange, disabled }: {
  column: ImportColumn; target: ImportTarget; known: ReadonlyMap<string, Attribute>; channels: string[];
  onChange: (t: ImportTarget) => void; disabled?: boolean;
}) {
  const { name, facts } = column;
  const bad = failing(target, column, known);
  const hint = expects(target, column, known);
  const suggested = JSON.stringify(target) === JSON.stringify(column.suggestion.target);
  return (
    <li className={`map-row${target.kind === 'skip' ? ' skipped' : ''}${bad > 0 ? ' has-warning' : ''}`} data-column={name}>
      <div className="map-source">
        <strong className="map-name">{name}</strong>
        <span className="muted small">
          {facts.non_empty === 0 ? 'empty column' : <>{fmtNumber(facts.non_empty)} filled · looks like {looksLike(column)}</>}
        </span>
        {facts.examples.length > 0 && (
          <ul className="samples" aria-label={`Sample values of ${name}`}>
            {facts.examples.map((e) => <li key={e}>{e}</li>)}
          </ul>
        )}
      </div>
      <span className="map-arrow" aria-hidden>→</span>
      <div className="map-target">
        <div className="map-controls">
          <select aria-label={`Map column ${name}`} value={choiceOf(target)} disabled={disabled}
            onChange={(e) => onChange(targetFor(e.target.value as Choice, column, channels))}>
            {CHOICES.map((c) => <option key={c} value={c}>{CHOICE_LABELS[c]}</option>)}
          </select>
          <TargetDetail column={column} target={target} known={known} channels={channels} onChange={onChange} disabled={disabled} />
        </div>
        {hint && <span className="muted small">Expects {hint}</span>}
        {bad > 0 && (
          <p className="map-warning" data-testid={`warning-${name}`}>
            ⚠ {fmtNumber(bad)} of {fmtNumber(facts.non_empty)} values do not fit: their rows will be rejected
          </p>
        )}
        {suggested && column.suggestion.note && <p className="muted small">Note: {column.suggestion.note}</p>}
      </div>
    </li>
  );
}

/** The second control a choice needs: the attribute (and a new one's type), the tag name, the channel. */
function TargetDetail({ column, target, known, channels, onChange, disabled }: {
  column: ImportColumn; target: ImportTarget; known: ReadonlyMap<string, Attribute>; channels: string[];
  onChange: (t: ImportTarget) => void; disabled?: boolean;
}) {
  const { name, facts } = column;
  switch (target.kind) {
    case 'attribute': {
      const existing = known.get(target.name);
      const type = existing?.type ?? target.type ?? facts.inferred_type;
      return (
        <>
          <input list="import-attributes" aria-label={`Attribute for ${name}`} value={target.name} disabled={disabled} size={16}
            onChange={(e) => onChange({ ...target, name: e.target.value.trim() })} />
          {existing ? (
            <span className={`small${existing.derived ? ' warn-text' : ' muted'}`}>
              {existing.derived ? 'computed: can not be imported' : `${existing.standard ? 'standard' : 'existing'}, ${TYPE_LABELS[existing.type]}`}
            </span>
          ) : (
            <select aria-label={`Type of ${name}`} value={type} disabled={disabled} onChange={(e) => onChange({ ...target, type: e.target.value as AttributeType })}>
              {TYPES.map((t) => <option key={t} value={t}>new: {TYPE_LABELS[t]}</option>)}
            </select>
          )}
          {(type === 'date' || type === 'datetime') && (
            <>
              <select aria-label={`Date order of ${name}`} value={target.date_order ?? facts.date_order} disabled={disabled}
                onChange={(e) => onChange({ ...target, date_order: e.target.value as 'dmy' | 'mdy' })}>
                <option value="dmy">day first (31/12)</option>
                <option value="mdy">month first (12/31)</option>
              </select>
              {/* Whether 03/04 is April or March: proved by a value like 31/12, else the workspace's habit. */}
              <span className="muted small">{facts.date_order_proved ? 'order shown by the values' : 'order guessed'}</span>
            </>
          )}
        </>
      );
    }
    case 'tag':
      return <input aria-label={`Tag name for ${name}`} placeholder={name} value={target.name ?? ''} disabled={disabled} size={14}
        onChange={(e) => onChange(e.target.value.trim() ? { kind: 'tag', name: e.target.value } : { kind: 'tag' })} />;
    case 'consent':
      return (
        <select aria-label={`Consent channel for ${name}`} value={target.channel} disabled={disabled} onChange={(e) => onChange({ kind: 'consent', channel: e.target.value })}>
          {(channels.includes(target.channel) ? channels : [target.channel, ...channels]).map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      );
    case 'identifier':
    case 'tags':
    case 'skip':
      return null;
  }
}
