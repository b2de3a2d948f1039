import type { AttributePatch } from '../attributes/patch.ts';
import { type Identifier, toIdentifier } from '../profiles/identifiers.ts';
import { assertNever } from '../shared/assert-never.ts';
import type { RunPlan } from './plan.ts';
import type { Row } from './readers/rows.ts';
import { parseAttributeValue, parseConsent, parseTagFlag, splitTags } from './values.ts';

/** One data row, checked and ready to write. */
export interface PreparedRow {
  row: number;
  /** The row as read (listed if the write rejects it: an identity conflict, create-only, update-only). */
  cells: string[];
  identifiers: Identifier[];
  /** Attribute values in their stored form (email and phone as normalised); null clears (empty cells: clear). */
  patch: AttributePatch;
  /** Tags from tag columns (ids) and tags columns (names). */
  tagIds: string[];
  tagNames: string[];
  consents: { channel: string; status: 'subscribed' | 'unsubscribed' }[];
}

/** A row the import does not apply, and why. */
export interface Rejection {
  row: number;
  /** The column at fault, when one is. */
  column: string | null;
  reason: string;
  cells: string[];
}

const TYPE_WORDS = { string: 'text', number: 'number', boolean: 'yes/no value', date: 'date', datetime: 'date and time' } as const;

/**
 * Reads one data row by the plan. A row is applied whole or not at all: the first cell that does not fit
 * its column rejects the row, with the column and the reason, so the rejected-rows file says what to fix.
 */
export function prepareRow(row: Row, plan: RunPlan): PreparedRow | Rejection {
  const { cells } = row;
  const reject = (column: string | null, reason: string): Rejection => ({ row: row.row, column, reason, cells });
  if (row.error) return reject(null, `the row can not be read: ${row.error}`);
  if (cells.length > plan.width && cells.slice(plan.width).some((c) => c !== '')) {
    return reject(null, `the row has ${lastFilled(cells)} values but the file has ${plan.width} columns (a delimiter inside an unquoted value?)`);
  }
  const out: PreparedRow = { row: row.row, cells, identifiers: [], patch: {}, tagIds: [], tagNames: [], consents: [] };
  const clear = plan.empty_cells === 'clear';
  for (const col of plan.columns) {
    const cell = cells[col.index - 1] ?? '';
    switch (col.kind) {
      case 'identifier': {
        if (cell === '') break;
        let id: Identifier;
        try {
          id = toIdentifier(col.identifier, cell, col.name);
        } catch {
          return reject(col.name, `${col.name}: ${JSON.stringify(cell)} is not a valid ${col.identifier === 'external_id' ? 'id (1 to 255 characters)' : col.identifier}`);
        }
        out.identifiers.push(id);
        if (id.kind === 'email' || id.kind === 'phone') out.patch[id.kind] = id.value;
        break;
      }
      case 'attribute': {
        if (cell === '') {
          if (clear) out.patch[col.attribute] = null;
          break;
        }
        const value = parseAttributeValue(cell, col.type, { order: col.date_order, timezone: plan.timezone });
        if (value === undefined) {
          const how = col.type === 'date' || col.type === 'datetime' ? ` (dates are read ${col.date_order === 'dmy' ? 'day first, DD/MM/YYYY' : 'month first, MM/DD/YYYY'}, or ISO YYYY-MM-DD)` : '';
          return reject(col.name, `${col.name}: ${JSON.stringify(cell)} is not a valid ${TYPE_WORDS[col.type]}${how}`);
        }
        out.patch[col.attribute] = value;
        break;
      }
      case 'tag': {
        if (cell === '') break;
        const flag = parseTagFlag(cell);
        if (flag === undefined) return reject(col.name, `${col.name}: ${JSON.stringify(cell)} is not yes or no (it decides the tag "${col.tag.name}")`);
        if (flag) out.tagIds.push(col.tag.id);
        break;
      }
      case 'tags': {
        for (const name of splitTags(cell)) {
          if (name.length > 200) return reject(col.name, `${col.name}: a tag name has at most 200 characters`);
          out.tagNames.push(name);
        }
        break;
      }
      case 'consent': {
        if (cell === '') break;
        const status = parseConsent(cell);
        if (!status) return reject(col.name, `${col.name}: ${JSON.stringify(cell)} is not a consent answer (subscribed / unsubscribed, yes / no)`);
        out.consents.push({ channel: col.channel, status });
        break;
      }
      default:
        assertNever(col);
    }
  }
  if (out.identifiers.length === 0) {
    const names = plan.columns.filter((c) => c.kind === 'identifier').map((c) => c.name);
    return reject(null, `no identifier: ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} empty`);
  }
  return out;
}

export const isRejection = (r: PreparedRow | Rejection): r is Rejection => 'reason' in r;

function lastFilled(cells: readonly string[]): number {
  let n = cells.length;
  while (n > 0 && cells[n - 1] === '') n--;
  return n;
}
