/**
 * Audience filters for `GET /v1/profiles`: quick filters (tag, list, segment, country, city, gender,
 * consent) become rule conditions, ANDed with an advanced `rule` (JSON text). Parsed against the
 * workspace's catalog (attributes and segments), so a bad rule is a 422 under `rule.` and a bad quick
 * filter names its query parameter (`query.consent`).
 */
import type { AttributeRegistry } from '../attributes/registry.ts';
import type { Db } from '../db/db.ts';
import type { RuleNode } from '../rules/index.ts';
import { SegmentCatalog } from '../segments/catalog.ts';
import { AudienceError, Errors } from '../shared/errors.ts';

type Many = string | string[] | undefined;

export interface ProfileFilterQuery {
  tag?: Many;
  list?: Many;
  segment?: Many;
  country?: Many;
  city?: Many;
  gender?: Many;
  consent?: Many;
  rule?: string;
}

export const FILTER_KEYS = ['tag', 'list', 'segment', 'country', 'city', 'gender', 'consent', 'rule'] as const;

const many = (v: Many): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Whether any filter is given. */
export function hasFilters(q: ProfileFilterQuery): boolean {
  return FILTER_KEYS.some((k) => (k === 'rule' ? q.rule !== undefined : many(q[k]).length > 0));
}

/** The raw rule conditions of the quick filters, each with the query parameter it came from. */
export function quickConditions(q: ProfileFilterQuery): { param: string; raw: unknown }[] {
  const out: { param: string; raw: unknown }[] = [];
  for (const tag of many(q.tag)) out.push({ param: 'tag', raw: { tag } });
  for (const list of many(q.list)) out.push({ param: 'list', raw: { list } });
  for (const segment of many(q.segment)) out.push({ param: 'segment', raw: { segment } });
  for (const attribute of ['country', 'city', 'gender'] as const) {
    const values = many(q[attribute]);
    // Repeating an attribute filter means any of its values.
    if (values.length > 0) out.push({ param: attribute, raw: { attribute, op: 'is', values } });
  }
  for (const c of many(q.consent)) {
    const m = /^([^:\s]+):([^:\s]+)$/.exec(c.trim());
    if (!m) throw Errors.validation({ message: `query.consent: expected channel:status (e.g. email:subscribed), got ${JSON.stringify(c)}`, path: 'query.consent' });
    out.push({ param: 'consent', raw: { consent: m[1], status: m[2] } });
  }
  return out;
}

/** The rule the filters stand for (null: no filter), parsed in the workspace's context. */
export async function filterNode(deps: { db: Db; attributes: AttributeRegistry }, workspaceId: string, q: ProfileFilterQuery): Promise<RuleNode | null> {
  if (!hasFilters(q)) return null;
  const quick = quickConditions(q);
  let rawRule: unknown;
  if (q.rule !== undefined) {
    try {
      rawRule = JSON.parse(q.rule);
    } catch {
      throw Errors.ruleInvalid({ message: 'rule: not valid JSON', path: 'rule' });
    }
  }
  const attributes = await deps.attributes.list(workspaceId);
  const catalog = await SegmentCatalog.load(deps.db, { workspaceId, attributeTypes: new Map(attributes.map((a) => [a.name, a.type])) });
  const nodes: RuleNode[] = quick.map(({ param, raw }) => {
    try {
      return catalog.parse(raw);
    } catch (err) {
      if (!(err instanceof AudienceError) || err.code !== Errors.ruleInvalid.code) throw err;
      const message = err.message.replace(/^rule[.:]\s?/, '');
      throw Errors.ruleInvalid({ message: `query.${param}: ${message}`, path: `query.${param}` });
    }
  });
  if (q.rule !== undefined) nodes.push(catalog.parse(rawRule));
  return nodes.length === 1 ? nodes[0]! : { kind: 'all', rules: nodes };
}
