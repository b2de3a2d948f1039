/** The one small database interface. Two drivers implement it: PGlite (embedded) and pg (a server). */
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one statement with bind parameters ($1, $2, ...) and returns its rows. */
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface Db extends Queryable {
  readonly dialect: 'pglite' | 'postgres';
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Type parsing, set on purpose and the same for both drivers:
 * a `date` stays the 'YYYY-MM-DD' text it is (no zone shift), a `timestamp` without zone stays text,
 * `timestamptz` becomes a Date, int8 and numeric become numbers (counts and sums fit a double).
 */
export const TYPE_PARSERS: Record<number, (value: string) => unknown> = {
  1082: (v) => v, // date
  1114: (v) => v, // timestamp without time zone
  1184: (v) => new Date(v), // timestamptz
  20: (v) => Number(v), // int8
  1700: (v) => Number(v), // numeric
};
