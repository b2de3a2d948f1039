/**
 * compileWhere: a rule as one SQL boolean over the profile row `p` (profiles p). One compiler per node
 * kind, in a Record. Every fragment is two-valued (never NULL), so NOT is exact; referenced segments
 * are inlined.
 */
import type { NodeOf, RuleKind, RuleNode } from '../types.ts';
import { sqlEnv, type CompileOptions, type SqlEnv } from './context.ts';
import { ageBetweenSql, ageSql } from './age.ts';
import { eventSql } from './events.ts';
import { hotAttributeSql } from './hot-columns.ts';
import { valueTestSql } from './value-test.ts';

const COMPILERS: { [K in RuleKind]: (node: NodeOf<K>, q: SqlEnv) => string } = {
  all: (node, q) => {
    if (node.rules.length === 0) return 'TRUE';
    // Comparisons on age (25 ≤ age ≤ 40) become one birth-day range; the rest compile one by one.
    const isAge = (r: RuleNode): r is NodeOf<'attribute'> => r.kind === 'attribute' && r.derived === 'age' && r.test.kind === 'compare';
    const ages = node.rules.filter(isAge);
    const between = ageBetweenSql(ages.map((r) => r.test), q);
    const parts = between === undefined ? node.rules.map((r) => compile(r, q)) : [between, ...node.rules.filter((r) => !isAge(r)).map((r) => compile(r, q))];
    return `(${parts.join(' AND ')})`;
  },
  any: (node, q) => (node.rules.length === 0 ? 'FALSE' : `(${node.rules.map((r) => compile(r, q)).join(' OR ')})`),
  not: (node, q) => `NOT ${compile(node.rule, q)}`,
  attribute: (node, q) => {
    if (node.derived === 'age') return ageSql(node.test, q);
    const hot = hotAttributeSql(node, q);
    if (hot !== undefined) return hot;
    const name = q.bind(node.attribute, 'text');
    return valueTestSql(node.test, `(p.attributes -> ${name})`, q, node.type === 'string', `(p.attributes ->> ${name})`);
  },
  event: (node, q) => eventSql(node, q),
  tag: (node, q) =>
    `EXISTS (SELECT 1 FROM profile_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.workspace_id = p.workspace_id` +
    ` AND pt.profile_id = p.profile_id AND t.workspace_id = p.workspace_id AND t.name = ${q.bind(node.tag, 'text')})`,
  list: (node, q) =>
    `EXISTS (SELECT 1 FROM list_members lm JOIN lists l ON l.id = lm.list_id WHERE lm.workspace_id = p.workspace_id` +
    ` AND lm.profile_id = p.profile_id AND l.workspace_id = p.workspace_id AND l.name = ${q.bind(node.list, 'text')})`,
  segment: (node, q) => compile(node.rule, q),
  consent: (node, q) => {
    const rows = `SELECT 1 FROM consents c WHERE c.workspace_id = p.workspace_id AND c.profile_id = p.profile_id AND c.channel = ${q.bind(node.channel, 'text')}`;
    return node.status === 'none' ? `NOT EXISTS (${rows})` : `EXISTS (${rows} AND c.status = ${q.bind(node.status, 'text')})`;
  },
  // dnc_entries is keyed by contact (a reference table on Citus): match the profile's email (lower-cased) or phone.
  dnc: (node, q) =>
    `EXISTS (SELECT 1 FROM dnc_entries d WHERE d.workspace_id = p.workspace_id` +
    ` AND (d.channel = ${q.bind(node.channel, 'text')} OR d.channel IS NULL)` +
    ` AND ((d.contact_kind = 'email' AND d.contact = lower(p.attributes ->> 'email'))` +
    ` OR (d.contact_kind = 'phone' AND d.contact = p.attributes ->> 'phone')))`,
};

function compile(node: RuleNode, q: SqlEnv): string {
  return (COMPILERS[node.kind] as (n: RuleNode, q: SqlEnv) => string)(node, q);
}

/**
 * The rule compiled for the two kinds of rows (hot-columns.ts): `regular` reads the hot columns and
 * holds only where NOT p.hot_irregular; `all` reads the jsonb and holds on every row. `regular` is
 * undefined when the rule reads no hot column (then `all` is the whole answer).
 */
export function compileSplit(node: RuleNode, opts: CompileOptions): { regular?: string; all: string } {
  // A dry run first, so that a rule without hot columns binds nothing it does not use.
  const probe = sqlEnv({ ...opts, param: () => '$0' }, true);
  compile(node, probe);
  if (!probe.readsHot) return { all: compile(node, sqlEnv(opts)) };
  return { regular: compile(node, sqlEnv(opts, true)), all: compile(node, sqlEnv(opts)) };
}

/** The rule as a SQL boolean over `profiles p`; values go through `opts.param`. */
export function compileWhere(node: RuleNode, opts: CompileOptions): string {
  const { regular, all } = compileSplit(node, opts);
  return regular === undefined ? all : `((NOT p.hot_irregular AND ${regular}) OR (p.hot_irregular AND ${all}))`;
}
