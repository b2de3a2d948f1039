/**
 * What the SQL compiler threads through: the time boundaries (computed in JS, shared with the in-memory
 * evaluator) and the parameter sink. Every value becomes a bind parameter; the SQL text only ever
 * holds the compiler's own fixed fragments.
 */
import { timeEnv, type TimeEnv } from '../time/boundaries.ts';

/** The stored generated columns of migration 014 (src/db/migrations/014_hot_attribute_columns.sql). */
export type HotColumn = 'city_lower' | 'birth_day';

export interface CompileOptions {
  /** The workspace the rule runs in; event subqueries filter on it directly (they are not correlated). */
  readonly workspaceId: string;
  readonly now: Date;
  /** The workspace zone (IANA name). */
  readonly timezone: string;
  /** Binds a value and returns its placeholder ($n). */
  readonly param: (value: unknown) => string;
}

export interface SqlEnv {
  readonly time: TimeEnv;
  /** The workspace id's placeholder ('$1::uuid'). */
  readonly workspace: string;
  /** A placeholder with a cast, e.g. bind('London', 'text') → '$3::text'. */
  bind(value: unknown, type: string): string;
  /**
   * The stored column (migration 014) to read for a hot attribute, or undefined when this compile
   * reads the jsonb. Only valid on regular rows (NOT p.hot_irregular); see hot-columns.ts.
   */
  hot(column: HotColumn): string | undefined;
  /** Whether hot() handed out a column. */
  readonly readsHot: boolean;
}

/** `hot`: read the hot columns (for the regular rows) instead of the jsonb. */
export function sqlEnv(opts: CompileOptions, hot = false): SqlEnv {
  let readsHot = false;
  return {
    time: timeEnv({ now: opts.now, timezone: opts.timezone }),
    // Bound on first use: a statement must not carry a parameter its text never names.
    get workspace() {
      return `${opts.param(opts.workspaceId)}::uuid`;
    },
    bind: (value, type) => `${opts.param(value)}::${type}`,
    hot(column) {
      if (!hot) return undefined;
      readsHot = true;
      return `p.${column}`;
    },
    get readsHot() {
      return readsHot;
    },
  };
}

/**
 * A parameter list whose `param` reuses the placeholder of an equal primitive value, so the zone, the
 * instant and repeated names are bound once.
 */
export function paramList(): { params: unknown[]; param: (value: unknown) => string } {
  const params: unknown[] = [];
  const seen = new Map<string, string>();
  return {
    params,
    param(value) {
      const primitive = value === null || ['string', 'number', 'boolean'].includes(typeof value);
      const key = primitive ? `${typeof value}:${String(value)}` : undefined;
      const hit = key === undefined ? undefined : seen.get(key);
      if (hit) return hit;
      params.push(value);
      const ph = `$${params.length}`;
      if (key !== undefined) seen.set(key, ph);
      return ph;
    },
  };
}
