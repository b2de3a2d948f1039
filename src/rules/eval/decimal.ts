/**
 * Exact sums for `sum` conditions. PostgreSQL adds jsonb numbers as `numeric` (exact decimals), so
 * 0.1 + 0.2 is 0.3 there and 0.30000000000000004 in floating point. Integers that stay below 2^53 are
 * exact as doubles; anything else is summed here as scaled BigInts from each number's shortest decimal
 * form (the text jsonb stores).
 */
import type { CountOp } from '../types.ts';

interface Decimal { readonly n: bigint; readonly scale: number }

const DEC_RE = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

function toDecimal(x: number): Decimal {
  const m = DEC_RE.exec(String(x));
  if (!m) throw new Error(`not a finite number: ${x}`);
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0) - frac.length;
  const digits = BigInt(`${m[1]}${m[2]}${frac}`);
  return exp >= 0 ? { n: digits * 10n ** BigInt(exp), scale: 0 } : { n: digits, scale: -exp };
}

const rescale = (d: Decimal, scale: number): bigint => d.n * 10n ** BigInt(scale - d.scale);

function compareExact(values: readonly number[], target: number): -1 | 0 | 1 {
  const ds = values.map(toDecimal);
  const t = toDecimal(target);
  const scale = Math.max(t.scale, ...ds.map((d) => d.scale));
  let sum = 0n;
  for (const d of ds) sum += rescale(d, scale);
  const tv = rescale(t, scale);
  return sum < tv ? -1 : sum > tv ? 1 : 0;
}

const HOLDS: Record<CountOp, (sign: -1 | 0 | 1) => boolean> = {
  eq: (s) => s === 0,
  lt: (s) => s < 0,
  lte: (s) => s <= 0,
  gt: (s) => s > 0,
  gte: (s) => s >= 0,
};

/** Whether `sign(a - b)` satisfies op. */
export const holds = (op: CountOp, a: number, b: number): boolean => HOLDS[op](a < b ? -1 : a > b ? 1 : 0);

/** Compares the exact sum of `values` with `target`. */
export function sumHolds(values: readonly number[], op: CountOp, target: number): boolean {
  let approx = 0;
  let exact = Number.isInteger(target);
  for (const v of values) {
    approx += v;
    if (exact && !Number.isInteger(v)) exact = false;
  }
  if (exact && Math.abs(approx) <= Number.MAX_SAFE_INTEGER) return holds(op, approx, target);
  return HOLDS[op](compareExact(values, target));
}
