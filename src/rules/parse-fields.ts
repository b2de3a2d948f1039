/**
 * Field readers for the rule parser. Every failure is an Errors.ruleInvalid whose message starts with
 * the path of the bad field (`all[2].op`; `segments.KEY.` inside a referenced segment).
 */
import { Errors } from '../shared/errors.ts';

export type Raw = Readonly<Record<string, unknown>>;

export const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);
export const index = (path: string, i: number): string => `${path}[${i}]`;

export function fail(path: string, message: string): never {
  throw Errors.ruleInvalid({ message: path ? `${path}: ${message}` : message, path: path || undefined });
}

export const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field that is present: neither absent nor null. */
export const has = (raw: Raw, key: string): boolean => raw[key] !== undefined && raw[key] !== null;

export function requireObject(v: unknown, path: string, what: string): Raw {
  if (!isObject(v)) fail(path, `${what} must be an object`);
  return v;
}

export function requireName(raw: Raw, key: string, path: string, what: string): string {
  const v = raw[key];
  const p = at(path, key);
  if (!has(raw, key)) fail(p, `missing ${what}`);
  if (typeof v !== 'string' || v === '') fail(p, `${what} must be a non-empty string`);
  return v;
}

/** One of a fixed set of words; `what` names it in messages ('operator', 'consent status', …). */
export function requireOneOf<const T extends string>(raw: Raw, key: string, path: string, allowed: readonly T[], what: string, missing = `missing ${what}`): T {
  const v = raw[key];
  const p = at(path, key);
  if (!has(raw, key)) fail(p, missing);
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    fail(p, `unknown ${what} ${JSON.stringify(v)} (expected ${allowed.join(', ')})`);
  }
  return v as T;
}

/** The `unit` operand of a relative date or a time window. */
export const requireUnit = <const T extends string>(raw: Raw, path: string, allowed: readonly T[]): T =>
  requireOneOf(raw, 'unit', path, allowed, 'unit', 'missing operand unit');

/** A whole number of at least 0 (`amount`). */
export function requireAmount(raw: Raw, key: string, path: string): number {
  const v = raw[key];
  const p = at(path, key);
  if (!has(raw, key)) fail(p, `missing operand ${key}`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(p, `${key} must be a whole number of at least 0 (not negative, not fractional), got ${JSON.stringify(v)}`);
  return v;
}

export function requireNumber(raw: Raw, key: string, path: string): number {
  const v = raw[key];
  const p = at(path, key);
  if (!has(raw, key)) fail(p, `missing operand ${key}`);
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(p, `${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}
