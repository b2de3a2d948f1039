export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'date', 'datetime'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/**
 * How a value of each type is stored in profiles.attributes (jsonb), so that the SQL path and the
 * in-memory path read the same thing:
 * - string:   JSON string, or a JSON array of strings (a list attribute)
 * - number:   JSON number
 * - boolean:  JSON boolean
 * - date:     'YYYY-MM-DD' (a calendar day, no zone)
 * - datetime: ISO 8601 instant in UTC, 'YYYY-MM-DDTHH:mm:ss.sssZ'
 * A null or missing value is stored as an absent key.
 */
export type StoredValue = string | number | boolean | string[];
