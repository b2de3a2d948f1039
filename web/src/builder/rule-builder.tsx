import { createContext, useContext } from 'react';
import type { Attribute, Channel, EventName, List, Segment, Tag } from '../types.ts';
import { ConditionEditor } from './conditions.tsx';
import { condKind, COND_KINDS, countConditions, LIMITS, newId, updateNode, type Cond, type CondKind, type ENode, type GroupNode } from './model.ts';

/** What the condition editors pick from, and what the builder knows about errors and rights. */
export interface BuilderEnv {
  attributes: Attribute[];
  eventNames: EventName[];
  tags: Tag[];
  lists: List[];
  segments: Segment[];
  channels: Channel[];
  /** Error message by node id (from a 422's path). */
  errors: Map<string, string>;
  readOnly: boolean;
  /** The segment being edited (it can not reference itself). */
  selfId?: string;
}
export const Env = createContext<BuilderEnv>(null as unknown as BuilderEnv);
export const useEnv = () => useContext(Env);

const KIND_LABEL: Record<CondKind, string> = {
  attribute: 'Attribute', event: 'Event', tag: 'Tag', list: 'List', segment: 'Segment', consent: 'Consent', dnc: 'Do-Not-Contact',
};

export function newCondition(kind: CondKind, env: BuilderEnv): Cond {
  switch (kind) {
    case 'attribute': {
      const a = env.attributes.find((x) => x.name === 'city') ?? env.attributes[0];
      return { attribute: a?.name ?? 'email', op: a?.type === 'string' || !a ? 'is' : 'is_not_empty', ...(a?.type === 'string' || !a ? { value: '' } : {}) };
    }
    case 'event': return { event: env.eventNames[0]?.name ?? '', count: { op: 'gte', value: 1 }, time: { op: 'any_time' } };
    case 'tag': return { tag: env.tags[0]?.name ?? '' };
    case 'list': return { list: env.lists[0]?.name ?? '' };
    case 'segment': return { segment: env.segments.find((s) => s.id !== env.selfId)?.id ?? '' };
    case 'consent': return { consent: env.channels[0]?.name ?? 'email', status: 'subscribed' };
    case 'dnc': return { dnc: env.channels[0]?.name ?? 'email' };
  }
}

/** The whole builder: the root group, and the limits as they are reached. */
export function RuleBuilder({ root, onChange, env }: { root: GroupNode; onChange: (r: GroupNode) => void; env: BuilderEnv }) {
  const counts = countConditions(root);
  const update = (id: string, fn: (n: ENode) => ENode | null) => onChange((updateNode(root, id, fn) ?? { ...root, children: [] }) as GroupNode);
  return (
    <Env.Provider value={env}>
      <div className="builder">
        <Limits counts={counts} />
        <GroupView node={root} depth={0} update={update} counts={counts} />
      </div>
    </Env.Provider>
  );
}

function Limits({ counts }: { counts: { attribute: number; event: number } }) {
  const near = (n: number, max: number) => (n >= max ? 'limit reached' : n >= max * 0.8 ? 'near' : '');
  return (
    <p className="limits small" aria-live="polite">
      <span className={near(counts.attribute, LIMITS.attribute)}>Attribute conditions {counts.attribute}/{LIMITS.attribute}</span>
      {' · '}
      <span className={near(counts.event, LIMITS.event)}>Event conditions {counts.event}/{LIMITS.event}</span>
    </p>
  );
}

type Update = (id: string, fn: (n: ENode) => ENode | null) => void;

function GroupView({ node, depth, update, counts, onRemove }: {
  node: GroupNode; depth: number; update: Update; counts: { attribute: number; event: number }; onRemove?: () => void;
}) {
  const env = useEnv();
  const error = env.errors.get(node.id);
  const full = (k: CondKind) => (k === 'attribute' && counts.attribute >= LIMITS.attribute) || (k === 'event' && counts.event >= LIMITS.event);
  const add = (n: ENode) => update(node.id, (g) => (g.type === 'group' ? { ...g, children: [...g.children, n] } : g));
  return (
    <div className={`group depth-${depth % 3}${node.negate ? ' negated' : ''}${error ? ' has-error' : ''}`} data-node={node.id} role="group"
      aria-label={`${node.negate ? 'Not ' : ''}${node.op === 'all' ? 'all' : 'any'} of these`}>
      <div className="group-head">
        <div className="segmented" role="radiogroup" aria-label="Match">
          {(['all', 'any'] as const).map((op) => (
            <button key={op} type="button" role="radio" aria-checked={node.op === op} className={node.op === op ? 'on' : ''} disabled={env.readOnly}
              onClick={() => update(node.id, (g) => ({ ...g, op }) as ENode)}>
              {op === 'all' ? 'ALL (and)' : 'ANY (or)'}
            </button>
          ))}
        </div>
        <label className="not-toggle small">
          <input type="checkbox" checked={node.negate} disabled={env.readOnly} onChange={(e) => update(node.id, (g) => ({ ...g, negate: e.target.checked }))} /> NOT
        </label>
        <span className="muted small">{node.negate ? 'none of these may hold' : node.op === 'all' ? 'every condition must hold' : 'at least one must hold'}</span>
        {onRemove && !env.readOnly && <button type="button" className="icon" aria-label="Remove group" onClick={onRemove}>×</button>}
      </div>
      {error && <p className="node-error" role="alert">{error}</p>}
      {node.children.length === 0 && <p className="muted small">{node.op === 'all' ? 'Empty: matches everyone.' : 'Empty: matches no one.'}</p>}
      <ol className="children">
        {node.children.map((c) => (
          <li key={c.id}>
            {c.type === 'group' ? (
              <GroupView node={c} depth={depth + 1} update={update} counts={counts} onRemove={() => update(c.id, () => null)} />
            ) : (
              <CondView node={c} update={update} />
            )}
          </li>
        ))}
      </ol>
      {!env.readOnly && (
        <div className="add-row">
          <label className="small">
            <span className="sr-only">Add a condition</span>
            <select value="" aria-label="Add a condition" onChange={(e) => {
              const k = e.target.value as CondKind;
              if (k) add({ id: newId(), negate: false, type: 'cond', cond: newCondition(k, env) });
            }}>
              <option value="">+ Add condition…</option>
              {COND_KINDS.map((k) => <option key={k} value={k} disabled={full(k)}>{KIND_LABEL[k]}{full(k) ? ' (limit reached)' : ''}</option>)}
            </select>
          </label>
          <button type="button" className="small" onClick={() => add({ id: newId(), negate: false, type: 'group', op: node.op === 'all' ? 'any' : 'all', children: [] })}>
            + Add group
          </button>
        </div>
      )}
    </div>
  );
}

function CondView({ node, update }: { node: Extract<ENode, { type: 'cond' }>; update: Update }) {
  const env = useEnv();
  const error = env.errors.get(node.id);
  const kind = condKind(node.cond);
  return (
    <div className={`cond${node.negate ? ' negated' : ''}${error ? ' has-error' : ''}`} data-node={node.id} data-kind={kind}>
      <div className="cond-row">
        <span className="kind-badge">{KIND_LABEL[kind]}</span>
        <ConditionEditor cond={node.cond} onChange={(cond) => update(node.id, (n) => ({ ...n, cond }) as ENode)} />
        <label className="not-toggle small" title="Invert this condition">
          <input type="checkbox" checked={node.negate} disabled={env.readOnly} onChange={(e) => update(node.id, (n) => ({ ...n, negate: e.target.checked }))} /> NOT
        </label>
        {!env.readOnly && <button type="button" className="icon" aria-label="Remove condition" onClick={() => update(node.id, () => null)}>×</button>}
      </div>
      {error && <p className="node-error" role="alert">{error}</p>}
    </div>
  );
}
