import { isValidAttributeName } from '../attributes/patch.ts';
import { DERIVED_ATTRIBUTES, STANDARD_BY_NAME } from '../attributes/standard.ts';
import type { AttributeType } from '../attributes/types.ts';
import type { ColumnFacts } from './columns.ts';
import type { Target } from './mapping.ts';

export interface Suggestion {
  target: Target;
  /** Why, when it is worth saying (a consent-like column left out, an attribute's existing type). */
  note?: string;
}

// Column names as CRMs and spreadsheets write them (lower-cased, letters and digits only) → target.
const HEADERS: Record<string, Target> = {};
const put = (names: string, target: Target) => {
  for (const n of names.split(' ')) HEADERS[n] = target;
};
put('email emailaddress mail email1 primaryemail emailid', { kind: 'identifier', identifier: 'email' });
put('phone phonenumber mobile mobilephone mobilenumber cell cellphone msisdn tel telephone phone1 mobileno', { kind: 'identifier', identifier: 'phone' });
put('externalid id customerid userid contactid clientid crmid memberid accountid customerno customernumber recordid', { kind: 'identifier', identifier: 'external_id' });
put('firstname givenname forename first fname', { kind: 'attribute', name: 'first_name' });
put('lastname surname familyname last lname', { kind: 'attribute', name: 'last_name' });
put('gender sex', { kind: 'attribute', name: 'gender' });
put('birthdate dateofbirth dob birthday born', { kind: 'attribute', name: 'birthdate' });
put('city town', { kind: 'attribute', name: 'city' });
put('region state province county', { kind: 'attribute', name: 'region' });
put('country countrycode countryname', { kind: 'attribute', name: 'country' });
put('timezone tz', { kind: 'attribute', name: 'timezone' });
put('devicetype device', { kind: 'attribute', name: 'device_type' });
put('devicebrand', { kind: 'attribute', name: 'device_brand' });
put('os operatingsystem', { kind: 'attribute', name: 'os' });
put('mobileoperator carrier', { kind: 'attribute', name: 'mobile_operator' });
put('subscriptionsource source leadsource signupsource', { kind: 'attribute', name: 'subscription_source' });
put('createdat created datecreated createddate signupdate signedup signedupat joined joindate registered registrationdate', { kind: 'attribute', name: 'created_at' });
put('tags labels tag', { kind: 'tags' });

const CONSENT_WORDS = /optin|opt_in|consent|newsletter|subscribed|subscription$|marketing|gdpr|permission/;
const DERIVED = new Set(DERIVED_ATTRIBUTES.map((a) => a.name));
const INFER_SHARE = 0.8;

/**
 * Suggests a target for every column: first by its name (the usual CRM names of identifiers and
 * standard attributes), then by its values (a column of emails or phone numbers is an identifier),
 * else a custom attribute named after the column with the type its values show (or the type the
 * attribute already has). Consent is never suggested: a consent-like column is skipped with a note.
 */
export function suggestMapping(columns: readonly { name: string; facts: ColumnFacts }[], existing: ReadonlyMap<string, AttributeType>): Suggestion[] {
  const taken = new Set<string>();
  const claim = (key: string): boolean => {
    if (taken.has(key)) return false;
    taken.add(key);
    return true;
  };
  const byName = columns.map((c) => HEADERS[squash(c.name)]);
  // Name matches win over value matches, whichever column comes first.
  const first = byName.map((t) => (t && t.kind !== 'tags' && claim(key(t)) ? t : undefined));
  return columns.map((c, i): Suggestion => {
    const named = first[i] ?? (byName[i]?.kind === 'tags' ? byName[i] : undefined);
    if (c.facts.non_empty === 0) return { target: { kind: 'skip' }, note: 'the column is empty' };
    if (named) return { target: named };
    const f = c.facts;
    if (f.fits.email >= f.non_empty * INFER_SHARE && claim('identifier:email')) return { target: { kind: 'identifier', identifier: 'email' } };
    if (f.phone_like >= f.non_empty * INFER_SHARE && claim('identifier:phone')) return { target: { kind: 'identifier', identifier: 'phone' } };
    const lower = c.name.toLowerCase();
    if (CONSENT_WORDS.test(lower.replace(/[\s-]+/g, '_'))) {
      const channel = /sms|text/.test(lower) ? 'sms' : /whatsapp/.test(lower) ? 'whatsapp' : /push/.test(lower) ? 'push' : 'email';
      return { target: { kind: 'skip' }, note: `looks like consent; consent only changes when a column is mapped to it: consent:${channel}` };
    }
    const name = attributeName(c.name, i);
    if (DERIVED.has(name)) return { target: { kind: 'skip' }, note: `${name} is derived (from birthdate) and can not be imported` };
    if (!claim(`attribute:${name}`)) return { target: { kind: 'skip' }, note: `another column is imported into ${name}` };
    const known = STANDARD_BY_NAME.get(name)?.type ?? existing.get(name);
    if (known) return { target: { kind: 'attribute', name }, ...(known !== f.inferred_type ? { note: `${name} is a ${known}` } : {}) };
    return { target: { kind: 'attribute', name, type: f.inferred_type } };
  });
}

/** A column's name as a custom attribute name: 'Loyalty points' → 'loyalty_points'. */
export function attributeName(column: string, index: number): string {
  let n = column.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (/^[0-9]/.test(n)) n = `c_${n}`;
  n = n.slice(0, 64).replace(/_+$/, '');
  return isValidAttributeName(n) ? n : `column_${index + 1}`;
}

const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function key(t: Target): string {
  if (t.kind === 'identifier') return `identifier:${t.identifier}`;
  if (t.kind === 'attribute') return `attribute:${t.name}`;
  return t.kind;
}
