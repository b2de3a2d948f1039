/** What the in-memory evaluator knows about one profile. Loaded by the caller (membership worker, conformance). */
export interface EventFact {
  readonly name: string;
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface Facts {
  /** Stored form (see attributes/types.ts); a missing key and null are the same thing. */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly tags: ReadonlySet<string>;
  readonly lists: ReadonlySet<string>;
  /** By channel; a channel without an entry has status 'none'. */
  readonly consent: Readonly<Record<string, 'subscribed' | 'unsubscribed'>>;
  /** Do-Not-Contact entries that match one of the profile's addresses: `all` for an entry with no channel. */
  readonly dnc: { readonly all: boolean; readonly channels: ReadonlySet<string> };
  /** The profile's events: at least those of the names the rule uses, inside the windows it looks at. */
  readonly events: ReadonlyArray<EventFact>;
}

/** The evaluation instant and the workspace time zone (IANA name). */
export interface EvalContext {
  readonly now: Date;
  readonly timezone: string;
}

/** Own properties only: an attribute named "constructor" must not find Object.prototype.constructor. */
export const own = (record: Readonly<Record<string, unknown>>, key: string): unknown =>
  Object.hasOwn(record, key) ? record[key] : undefined;
