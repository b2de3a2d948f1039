/**
 * Segment's `context` → the standard profile attributes segments use (device_type, device_brand, os,
 * mobile_operator). The whole context is also kept on the event as sent.
 */
export function deviceAttributes(context: unknown): Record<string, string> | undefined {
  if (!isObject(context)) return undefined;
  const device = isObject(context.device) ? context.device : {};
  const os = isObject(context.os) ? context.os : {};
  const network = isObject(context.network) ? context.network : {};
  const out: Record<string, string> = {};
  const set = (name: string, value: unknown) => {
    if (typeof value === 'string' && value.trim()) out[name] = value.trim().slice(0, 200);
  };
  set('device_type', device.type);
  set('device_brand', device.manufacturer ?? device.brand);
  set('os', os.name);
  set('mobile_operator', network.carrier);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Segment's reserved identify traits → Audience's standard attributes; nested objects flattened one level. */
export function profileTraits(traits: unknown): Record<string, unknown> | undefined {
  if (!isObject(traits)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(traits)) {
    if (name === 'address' && isObject(value)) {
      for (const [k, attr] of [['city', 'city'], ['state', 'region'], ['country', 'country']] as const) if (value[k] !== undefined) out[attr] = value[k];
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) if (!isObject(v)) out[`${name}_${k}`] = v;
    } else {
      out[RESERVED[name] ?? name] = value;
    }
  }
  return out;
}

const RESERVED: Record<string, string> = { firstName: 'first_name', lastName: 'last_name', birthday: 'birthdate', gender: 'gender' };

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
