import type { AttributeType } from './types.ts';

export interface AttributeDef {
  name: string;
  type: AttributeType;
  label: string;
  standard: boolean;
}

/** Attributes every workspace has. `age` is derived from birthdate and never stored. */
export const STANDARD_ATTRIBUTES: readonly AttributeDef[] = [
  ['first_name', 'string', 'First name'],
  ['last_name', 'string', 'Last name'],
  ['email', 'string', 'Email'],
  ['phone', 'string', 'Phone'],
  ['gender', 'string', 'Gender'],
  ['birthdate', 'date', 'Birth date'],
  ['city', 'string', 'City'],
  ['region', 'string', 'Region'],
  ['country', 'string', 'Country'],
  ['timezone', 'string', 'Time zone'],
  ['device_type', 'string', 'Device type'],
  ['device_brand', 'string', 'Device brand'],
  ['os', 'string', 'Operating system'],
  ['mobile_operator', 'string', 'Mobile operator'],
  ['subscription_source', 'string', 'Subscription source'],
  ['created_at', 'datetime', 'Created at'],
  ['last_seen_at', 'datetime', 'Last seen at'],
].map(([name, type, label]) => ({ name: name!, type: type as AttributeType, label: label!, standard: true }));

/** Derived, read-only: whole years since birthdate at `now` in the workspace time zone. */
export const DERIVED_ATTRIBUTES: readonly AttributeDef[] = [{ name: 'age', type: 'number', label: 'Age', standard: true }];

export const STANDARD_BY_NAME = new Map(STANDARD_ATTRIBUTES.map((a) => [a.name, a]));
