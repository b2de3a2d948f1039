import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkEntry, entryKey } from './entry.ts';

const channels = new Set(['email', 'sms']);

test('an entry is normalised: one phone however typed, emails lower-cased, blanks are null', () => {
  const keys = ['+44 1234 567890', '0044-1234-567890', '441234567890'].map((contact) => {
    const c = checkEntry({ contact, channel: ' ', sender: '' }, channels);
    assert.ok('ok' in c);
    assert.deepEqual(c.ok, { contact: '+441234567890', contact_kind: 'phone', channel: null, sender: null, source: 'manual' });
    return entryKey(c.ok);
  });
  assert.equal(new Set(keys).size, 1);
  const email = checkEntry({ contact: ' Ann@Example.COM ', channel: 'email', source: 'url_opt_out' }, channels);
  assert.deepEqual('ok' in email && email.ok, { contact: 'ann@example.com', contact_kind: 'email', channel: 'email', sender: null, source: 'url_opt_out' });
});

test('a bad contact or an unknown channel says which field and why', () => {
  assert.deepEqual(checkEntry({ contact: '+12 34' }, channels), { error: { field: 'contact', reason: '"+12 34" is not a valid phone number (E.164: + country code and 8 to 15 digits)' } });
  assert.deepEqual(checkEntry({ contact: 'ann@' }, channels), { error: { field: 'contact', reason: '"ann@" is not a valid email address' } });
  assert.deepEqual(checkEntry({ contact: '  ' }, channels), { error: { field: 'contact', reason: 'the contact is empty' } });
  assert.deepEqual(checkEntry({ contact: 'a@b.io', channel: 'fax' }, channels), { error: { field: 'channel', reason: 'unknown channel "fax"' } });
});
