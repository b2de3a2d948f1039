import type { AttributeType } from '../attributes/types.ts';
import { normalizePhone } from '../shared/contacts.ts';
import { classifyDate, type DateOrder, type DateShape } from './dates.ts';
import { isBooleanWord, isEmail, looksLikePhone, looksNumeric, parseBoolean, parseConsent, parseNumber, parseTagFlag } from './values.ts';

/** What the analysis found in one column, over every data row of the file. */
export interface ColumnFacts {
  /** Cells that are not empty. */
  non_empty: number;
  /** How many non-empty cells each kind of column would accept (the rest would be rejected). */
  fits: Record<FitKind, number>;
  /** The order of day and month for values like 03/04/2020 (dates.ts): proved by the data, or the workspace's habit. */
  date_order: DateOrder;
  /** Whether `date_order` was proved by a value (31/12/2020) rather than taken from the habit. */
  date_order_proved: boolean;
  /** The type a new custom attribute would get. */
  inferred_type: AttributeType;
  /** How many values look like a phone number as people write one (for the suggestion). */
  phone_like: number;
  /** A few distinct values. */
  examples: string[];
}

export const FIT_KINDS = ['number', 'boolean', 'date', 'datetime', 'email', 'phone', 'tag', 'consent'] as const;
export type FitKind = (typeof FIT_KINDS)[number];

/** Share of non-empty values a type must accept to be inferred. */
const INFER_SHARE = 0.8;
const EXAMPLES = 5;

/** Counts, one cell at a time, what each column's values could be. Memory: a few numbers per column. */
export class ColumnTally {
  private nonEmpty = 0;
  private numbers = 0;
  private numeric = 0;
  private booleans = 0;
  private booleanWords = 0;
  private emails = 0;
  private phones = 0;
  private phoneLike = 0;
  private tagFlags = 0;
  private consents = 0;
  private readonly shapes: Record<DateShape, number> = { iso: 0, named: 0, dmy: 0, mdy: 0, either: 0, none: 0 };
  private timed = 0;
  private readonly examples = new Set<string>();

  add(cell: string): void {
    if (cell === '') return;
    this.nonEmpty++;
    if (parseNumber(cell) !== undefined) {
      this.numbers++;
      if (looksNumeric(cell)) this.numeric++;
    }
    if (parseBoolean(cell) !== undefined) {
      this.booleans++;
      if (isBooleanWord(cell)) this.booleanWords++;
    }
    if (parseTagFlag(cell) !== undefined) this.tagFlags++;
    if (parseConsent(cell) !== undefined) this.consents++;
    // Dates start with a digit or a month name; most other text is rejected by the first character.
    const date = /^[0-9A-Za-z]/.test(cell) && cell.length >= 8 && cell.length <= 40 ? classifyDate(cell) : undefined;
    if (date) {
      this.shapes[date.shape]++;
      if (date.shape !== 'none' && date.time) this.timed++;
    }
    if (cell.includes('@')) {
      if (isEmail(cell)) this.emails++;
    } else if (normalizePhone(cell) !== undefined) {
      this.phones++;
      // 31/12/1990 normalises to a phone number too; as a hint, a date is a date.
      if ((!date || date.shape === 'none') && looksLikePhone(cell)) this.phoneLike++;
    }
    if (this.examples.size < EXAMPLES) this.examples.add(cell.length > 60 ? `${cell.slice(0, 57)}...` : cell);
  }

  facts(defaultOrder: DateOrder): ColumnFacts {
    const s = this.shapes;
    const proved = s.dmy !== s.mdy;
    const order: DateOrder = proved ? (s.dmy > s.mdy ? 'dmy' : 'mdy') : defaultOrder;
    const dates = s.iso + s.named + s.either + s[order];
    const fits: Record<FitKind, number> = {
      number: this.numbers, boolean: this.booleans, date: dates, datetime: dates,
      email: this.emails, phone: this.phones, tag: this.tagFlags, consent: this.consents,
    };
    return { non_empty: this.nonEmpty, fits, date_order: order, date_order_proved: proved, inferred_type: this.infer(dates), phone_like: this.phoneLike, examples: [...this.examples] };
  }

  private infer(dates: number): AttributeType {
    const n = this.nonEmpty;
    const most = (count: number) => n > 0 && count >= n * INFER_SHARE;
    if (most(this.booleans) && this.booleanWords > 0) return 'boolean';
    if (most(this.numeric)) return 'number';
    if (most(dates)) return this.timed * 2 > dates ? 'datetime' : 'date';
    return 'string';
  }
}
