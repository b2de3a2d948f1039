import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Static SQL lives in named-query files, `queries/<domain>.sql`:
 *
 *   -- name: get-profile
 *   -- One profile by id.
 *   SELECT ... WHERE workspace_id = $1 AND profile_id = $2;
 *
 * `loadQueries('profiles', ['get-profile', ...])` returns a typed map and throws at import time
 * (that is, at boot) when a name is missing, so a typo never reaches a request.
 */
export function loadQueries<const N extends string>(domain: string, names: readonly N[]): Record<N, string> {
  const file = fileURLToPath(new URL(`./queries/${domain}.sql`, import.meta.url));
  const parsed = parseNamedQueries(readFileSync(file, 'utf8'));
  const out = {} as Record<N, string>;
  for (const name of names) {
    const sql = parsed.get(name);
    if (!sql) throw new Error(`named query "${name}" is missing from queries/${domain}.sql`);
    out[name] = sql;
  }
  return out;
}

export function parseNamedQueries(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (name) out.set(name, body.join('\n').trim().replace(/;\s*$/, ''));
  };
  for (const line of text.split('\n')) {
    const m = /^--\s*name:\s*([a-z0-9-]+)\s*$/.exec(line.trim());
    if (m) {
      flush();
      name = m[1];
      body = [];
    } else if (!line.trim().startsWith('--')) {
      body.push(line);
    }
  }
  flush();
  return out;
}
