import { Errors } from '../shared/errors.ts';
import { coerce, CoercionError } from './coerce.ts';
import { DERIVED_ATTRIBUTES } from './standard.ts';
import type { AttributeType, StoredValue } from './types.ts';

/** Attribute values in their stored form; null clears the attribute. */
export type AttributePatch = Record<string, StoredValue | null>;

const NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const DERIVED_NAMES = new Set(DERIVED_ATTRIBUTES.map((a) => a.name));

export const isValidAttributeName = (name: string): boolean => NAME_RE.test(name);

/** `attributes.plan`, `batch[3].traits.plan`, or `attributes["a b"]` for a name that is not a plain word. */
export function attributePath(path: string, name: string): string {
  const key = NAME_RE.test(name) ? name : `[${JSON.stringify(name)}]`;
  if (key.startsWith('[') || !path) return `${path}${key}`;
  return `${path}.${key}`;
}

/** Throws a 422 for a name that is not a valid attribute name or names a derived (read-only) attribute. */
export function checkAttributeNames(names: Iterable<string>, path: string): void {
  for (const name of names) {
    if (!NAME_RE.test(name)) throw Errors.invalidAttributeName({ name, path: attributePath(path, name) });
    if (DERIVED_NAMES.has(name)) throw Errors.attributeReadOnly({ name, path: attributePath(path, name) });
  }
}

/** Coerces every value to its attribute's type; a value that does not fit is a 422 naming the attribute. */
export function coercePatch(args: {
  values: Record<string, unknown>;
  types: ReadonlyMap<string, AttributeType>;
  timezone: string;
  path: string;
}): AttributePatch {
  const out: AttributePatch = {};
  for (const [name, value] of Object.entries(args.values)) {
    if (value === null || value === undefined) {
      out[name] = null;
      continue;
    }
    const type = args.types.get(name);
    if (!type) throw new Error(`attribute "${name}" has no type; call typesFor first`);
    try {
      out[name] = coerce(type, value, args.timezone);
    } catch (err) {
      if (!(err instanceof CoercionError)) throw err;
      throw Errors.invalidAttributeValue({ name, type, value, path: attributePath(args.path, name) });
    }
  }
  return out;
}
