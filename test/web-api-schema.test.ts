import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { API_SCHEMA_FILE, apiSchemaSource } from '../scripts/web-types.ts';

test('web/src/api-schema.ts matches the routes\' OpenAPI document (the console\'s types do not drift from the API)', async () => {
  const checkedIn = readFileSync(API_SCHEMA_FILE, 'utf8');
  const current = await apiSchemaSource();
  // Not assert.equal on the whole text: a 4,000-line diff would hide the one thing to do.
  if (checkedIn === current) return;
  const a = checkedIn.split('\n');
  const b = current.split('\n');
  let line = 0;
  while (line < a.length && a[line] === b[line]) line++;
  assert.fail(
    `web/src/api-schema.ts is stale: run \`npm run types:web\` and commit the result.\n` +
    `First difference at line ${line + 1}:\n  checked in: ${a[line] ?? '(end of file)'}\n  routes now: ${b[line] ?? '(end of file)'}`,
  );
});
