import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Clock } from '../shared/clock.ts';
import { Errors } from '../shared/errors.ts';
import { inferType } from './infer.ts';
import { checkAttributeNames, coercePatch, isValidAttributeName, type AttributePatch } from './patch.ts';
import { DERIVED_ATTRIBUTES, STANDARD_ATTRIBUTES, STANDARD_BY_NAME } from './standard.ts';
import type { AttributeType } from './types.ts';

const Q = loadQueries('attributes', ['list-attributes', 'get-attributes', 'insert-attributes', 'set-attribute-label']);

export interface AttributeInfo {
  name: string;
  type: AttributeType;
  label: string;
  standard: boolean;
  /** Computed from other attributes (age), never written. */
  derived: boolean;
}

interface Row {
  name: string;
  type: AttributeType;
  label: string | null;
}

const DERIVED_NAMES = new Set(DERIVED_ATTRIBUTES.map((a) => a.name));
const custom = (r: Row): AttributeInfo => ({ name: r.name, type: r.type, label: r.label ?? r.name, standard: false, derived: false });

/**
 * The attribute registry: standard attributes (in code), the derived `age`, and a workspace's custom
 * attributes (the `attributes` table). A custom attribute's type never changes once created, so the
 * per-process cache of name → type only ever grows and is correct whatever other processes do.
 */
export class AttributeRegistry {
  private readonly types = new Map<string, Map<string, AttributeType>>();

  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async list(workspaceId: string): Promise<AttributeInfo[]> {
    const rows = await this.deps.db.query<Row>(Q['list-attributes'], [workspaceId]);
    const builtIn = [...STANDARD_ATTRIBUTES, ...DERIVED_ATTRIBUTES].map((a) => ({ ...a, derived: DERIVED_NAMES.has(a.name) }));
    return [...builtIn, ...rows.map(custom)];
  }

  /** Declares a custom attribute. Declaring it again with the same type is fine (and may change its label). */
  async declare(workspaceId: string, input: { name: string; type: AttributeType; label?: string }): Promise<{ attribute: AttributeInfo; created: boolean }> {
    if (STANDARD_BY_NAME.has(input.name) || DERIVED_NAMES.has(input.name)) throw Errors.attributeReserved({ name: input.name, path: 'name' });
    if (!isValidAttributeName(input.name)) throw Errors.invalidAttributeName({ name: input.name, path: 'name' });
    const inserted = (await this.insert(workspaceId, [{ name: input.name, type: input.type, label: input.label ?? null }])) > 0;
    let [row] = await this.deps.db.query<Row>(Q['get-attributes'], [workspaceId, [input.name]]);
    if (row!.type !== input.type) throw Errors.attributeExists({ name: row!.name, type: row!.type, path: 'type' });
    if (!inserted && input.label !== undefined && input.label !== row!.label) {
      [row] = await this.deps.db.query<Row>(Q['set-attribute-label'], [workspaceId, input.name, input.label]);
    }
    this.remember(workspaceId, [row!]);
    return { attribute: custom(row!), created: inserted };
  }

  /**
   * The type of each name (names already checked with checkAttributeNames). Custom names seen for the
   * first time are created with the type inferred from their sample value; concurrent creators agree
   * because the first insert wins and everyone re-reads it.
   */
  async typesFor(workspaceId: string, samples: ReadonlyMap<string, unknown>): Promise<Map<string, AttributeType>> {
    const out = new Map<string, AttributeType>();
    const cached = this.types.get(workspaceId);
    const unknown: string[] = [];
    for (const name of samples.keys()) {
      const type = STANDARD_BY_NAME.get(name)?.type ?? cached?.get(name);
      if (type) out.set(name, type);
      else unknown.push(name);
    }
    if (unknown.length === 0) return out;
    let rows = await this.deps.db.query<Row>(Q['get-attributes'], [workspaceId, unknown]);
    if (rows.length < unknown.length) {
      const found = new Set(rows.map((r) => r.name));
      const missing = unknown.filter((n) => !found.has(n)).map((name) => ({ name, type: inferType(samples.get(name)), label: null }));
      await this.insert(workspaceId, missing);
      rows = await this.deps.db.query<Row>(Q['get-attributes'], [workspaceId, unknown]);
    }
    this.remember(workspaceId, rows);
    for (const r of rows) out.set(r.name, r.type);
    return out;
  }

  /**
   * The type of each name (names already checked with checkAttributeNames), creating the custom attributes
   * that do not exist yet with the type given for them (a file import declares its columns before its
   * first row). An attribute that exists keeps its type; the answer says which type that is.
   */
  async ensure(workspaceId: string, attrs: readonly { name: string; type: AttributeType }[]): Promise<Map<string, AttributeType>> {
    const types = new Map<string, AttributeType>();
    const missing: { name: string; type: AttributeType; label: null }[] = [];
    for (const a of attrs) {
      const known = STANDARD_BY_NAME.get(a.name)?.type ?? this.types.get(workspaceId)?.get(a.name);
      if (known) types.set(a.name, known);
      else missing.push({ name: a.name, type: a.type, label: null });
    }
    if (missing.length === 0) return types;
    const names = missing.map((m) => m.name);
    const found = new Set((await this.deps.db.query<Row>(Q['get-attributes'], [workspaceId, names])).map((r) => r.name));
    const create = missing.filter((m) => !found.has(m.name));
    if (create.length > 0) await this.insert(workspaceId, create);
    const rows = await this.deps.db.query<Row>(Q['get-attributes'], [workspaceId, names]);
    this.remember(workspaceId, rows);
    for (const r of rows) types.set(r.name, r.type);
    return types;
  }

  /**
   * Validates and coerces one set of attribute values (a profile write): names checked, unknown custom
   * attributes created, values coerced. Errors name `${path}.${attribute}`.
   */
  async coerce(args: { workspaceId: string; timezone: string; values: Record<string, unknown>; path: string }): Promise<AttributePatch> {
    checkAttributeNames(Object.keys(args.values), args.path);
    const samples = new Map(Object.entries(args.values).filter(([, v]) => v !== null && v !== undefined));
    const types = await this.typesFor(args.workspaceId, samples);
    return coercePatch({ values: args.values, types, timezone: args.timezone, path: args.path });
  }

  /** Creates the attributes not there yet; returns how many it created. */
  private async insert(workspaceId: string, attrs: { name: string; type: AttributeType; label: string | null }[]): Promise<number> {
    const rows = await this.deps.db.query(Q['insert-attributes'], [
      workspaceId, attrs.map((a) => a.name), attrs.map((a) => a.type), attrs.map((a) => a.label), this.deps.clock.now(),
    ]);
    return rows.length;
  }

  private remember(workspaceId: string, rows: readonly Row[]): void {
    let m = this.types.get(workspaceId);
    if (!m) this.types.set(workspaceId, (m = new Map()));
    for (const r of rows) m.set(r.name, r.type);
  }
}
