import { normalizeContact, type ContactKind } from '../shared/contacts.ts';

/** Where an entry came from. */
export const DNC_SOURCES = ['end_user_message', 'campaign_action', 'url_opt_out', 'manual', 'import'] as const;
export type DncSource = (typeof DNC_SOURCES)[number];

export interface DncEntry {
  id: string;
  contact: string;
  contact_kind: ContactKind;
  /** null: every channel. */
  channel: string | null;
  sender: string | null;
  source: DncSource;
  added_at: Date;
}

/** An entry as given: a contact however typed, an optional channel and sender. */
export interface DncInput {
  contact: string;
  channel?: string | null;
  sender?: string | null;
  source?: DncSource;
}

/** An entry ready to insert: the contact normalised, blanks made null. */
export interface NormalEntry {
  contact: string;
  contact_kind: ContactKind;
  channel: string | null;
  sender: string | null;
  source: DncSource;
}

export type Checked = { ok: NormalEntry } | { error: { field: 'contact' | 'channel'; reason: string } };

/** Normalises one entry; `channels` are the workspace's channel names. Pure. */
export function checkEntry(input: DncInput, channels: ReadonlySet<string>): Checked {
  const raw = input.contact.trim();
  if (!raw) return { error: { field: 'contact', reason: 'the contact is empty' } };
  const contact = normalizeContact(raw);
  if (!contact) {
    const what = raw.includes('@') ? 'not a valid email address' : 'not a valid phone number (E.164: + country code and 8 to 15 digits)';
    return { error: { field: 'contact', reason: `${JSON.stringify(raw)} is ${what}` } };
  }
  const channel = blankToNull(input.channel);
  if (channel !== null && !channels.has(channel)) return { error: { field: 'channel', reason: `unknown channel ${JSON.stringify(channel)}` } };
  return { ok: { contact: contact.value, contact_kind: contact.kind, channel, sender: blankToNull(input.sender), source: input.source ?? 'manual' } };
}

/** Two entries are one when contact, channel and sender agree (the unique index says the same). */
export const entryKey = (e: NormalEntry): string => JSON.stringify([e.contact, e.channel ?? '', e.sender ?? '']);

function blankToNull(v: string | null | undefined): string | null {
  const t = v?.trim();
  return t ? t : null;
}
