import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Errors } from './errors.ts';

const DOC = new URL('../../docs/errors.md', import.meta.url);

test('every registered error is documented in docs/errors.md with its status, and nothing else is', () => {
  const doc = readFileSync(DOC, 'utf8');
  const documented = new Map<string, number>();
  for (const m of doc.matchAll(/^\| `(AUD_ERR_[A-Z_]+)` \| (\d{3}) \|/gm)) documented.set(m[1]!, Number(m[2]));
  const registered = new Map(Object.values(Errors).map((e) => [e.code, e.status] as const));
  for (const [code, status] of registered) assert.equal(documented.get(code), status, `${code} (${status}) missing or wrong in docs/errors.md`);
  for (const code of documented.keys()) assert.ok(registered.has(code), `${code} is documented but not in the registry`);
});

test('codes are unique and follow AUD_ERR_<AREA>_<REASON>; statuses are 4xx (or 503 for a retryable conflict)', () => {
  const codes = Object.values(Errors).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const e of Object.values(Errors)) {
    assert.match(e.code, /^AUD_ERR_[A-Z]+(_[A-Z]+)*$/);
    assert.ok((e.status >= 400 && e.status < 500) || e.status === 503, `${e.code}: ${e.status}`);
  }
});
