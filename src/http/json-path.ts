/** '/events/3/name' or ['events', 3, 'name'] → 'events[3].name' (the path format of every error). */
export function toJsonPath(parts: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number' || /^\d+$/.test(p)) out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}

export const pointerToJsonPath = (pointer: string): string => toJsonPath(pointer.split('/').filter(Boolean));
