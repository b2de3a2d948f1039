/**
 * A conformance case (shared/conformance/README.md): reading, shape checks, and how its profile data is
 * stored. Our own cases (test/conformance-cases) may also carry `dnc`: Do-Not-Contact entries
 * `{ "email" | "phone": CONTACT, "channel"?: CHANNEL }` (no channel: every channel).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CoercionError, coerce } from '../../attributes/coerce.ts';
import { ATTRIBUTE_TYPES, type AttributeType } from '../../attributes/types.ts';
import type { ParseContext } from '../../rules/parse.ts';

export interface CaseProfile {
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  readonly lists: readonly string[];
  readonly consent: Readonly<Record<string, string>>;
}
export interface CaseEvent {
  readonly profile: string;
  readonly name: string;
  readonly ts: string;
  readonly properties: Readonly<Record<string, unknown>>;
}
export interface CaseDnc {
  readonly email?: string;
  readonly phone?: string;
  readonly channel?: string | null;
}

export interface RuleCase {
  readonly file: string;
  readonly name: string;
  readonly now: string;
  readonly timezone: string;
  readonly schema: Readonly<Record<string, AttributeType>>;
  readonly profiles: readonly CaseProfile[];
  readonly segments: Readonly<Record<string, unknown>>;
  readonly events: readonly CaseEvent[];
  readonly dnc: readonly CaseDnc[];
  readonly rule: unknown;
  readonly expect?: readonly string[];
  readonly expectError?: string;
}

/** Case files under the given paths: a folder gives its *.json files (recursively, sorted), a file itself. */
export function caseFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      const entries = readdirSync(p).sort();
      out.push(...caseFiles(entries.filter((e) => e.endsWith('.json') || statSync(join(p, e)).isDirectory()).map((e) => join(p, e))));
    } else {
      out.push(p);
    }
  }
  return out;
}

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Reads one case file; throws with the file name when its shape is wrong. */
export function readCase(file: string): RuleCase {
  const raw = obj(JSON.parse(readFileSync(file, 'utf8')));
  const bad = (why: string): never => {
    throw new Error(`${basename(file)}: ${why}`);
  };
  if (typeof raw.now !== 'string' || Number.isNaN(Date.parse(raw.now))) bad('"now" must be an ISO datetime');
  const schema = obj(raw.schema);
  for (const [k, t] of Object.entries(schema)) if (!ATTRIBUTE_TYPES.includes(t as AttributeType)) bad(`schema.${k}: unknown type ${JSON.stringify(t)}`);
  if (raw.expect === undefined && typeof raw.expect_error !== 'string') bad('needs "expect" or "expect_error"');
  if (raw.expect !== undefined && !Array.isArray(raw.expect)) bad('"expect" must be a list of profile ids');
  return {
    file,
    name: typeof raw.name === 'string' ? raw.name : basename(file),
    now: raw.now as string,
    timezone: typeof raw.timezone === 'string' ? raw.timezone : 'UTC',
    schema: schema as Record<string, AttributeType>,
    profiles: (Array.isArray(raw.profiles) ? raw.profiles : []).map((p) => {
      const o = obj(p);
      return { id: String(o.id), attributes: obj(o.attributes), tags: strings(o.tags), lists: strings(o.lists), consent: obj(o.consent) as Record<string, string> };
    }),
    segments: obj(raw.segments),
    events: (Array.isArray(raw.events) ? raw.events : []).map((e) => {
      const o = obj(e);
      return { profile: String(o.profile), name: String(o.name), ts: String(o.ts), properties: obj(o.properties) };
    }),
    dnc: (Array.isArray(raw.dnc) ? raw.dnc : []).map((d) => obj(d) as CaseDnc),
    rule: raw.rule,
    ...(raw.expect !== undefined ? { expect: strings(raw.expect) } : {}),
    ...(typeof raw.expect_error === 'string' ? { expectError: raw.expect_error } : {}),
  };
}

/** An attribute's type in a case: declared in `schema`, else a string; birthdate is always a date. */
export function caseAttributeType(c: RuleCase, name: string): AttributeType {
  if (name === 'birthdate') return 'date';
  return Object.hasOwn(c.schema, name) ? c.schema[name]! : 'string';
}

export function caseParseContext(c: RuleCase): ParseContext {
  return {
    attributeType: (name) => (name === 'birthdate' || Object.hasOwn(c.schema, name) ? caseAttributeType(c, name) : undefined),
    segment: (ref) => (Object.hasOwn(c.segments, ref) ? c.segments[ref] : undefined),
  };
}

/**
 * A profile's attributes in stored form, coerced as the product stores them (null clears). A value
 * that does not coerce (e.g. "" for a date) is kept as written: the engine must cope with stale or
 * foreign values anyway, and both evaluators read the same stored value.
 */
export function storedAttributes(c: RuleCase, p: CaseProfile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(p.attributes)) {
    try {
      const v = coerce(caseAttributeType(c, name), value, c.timezone);
      if (v !== null) out[name] = v;
    } catch (err) {
      if (!(err instanceof CoercionError)) throw err;
      out[name] = value;
    }
  }
  return out;
}

/** An event's ts as epoch ms (a datetime without offset is read in the case's zone). */
export function eventTs(c: RuleCase, e: CaseEvent): number {
  try {
    return Date.parse(coerce('datetime', e.ts, c.timezone) as string);
  } catch {
    throw new Error(`${basename(c.file)}: event ts ${JSON.stringify(e.ts)} is not a datetime`);
  }
}
