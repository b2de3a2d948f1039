import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSecret, signatureHeader } from './signature.ts';

test('the signature is HMAC-SHA256 over "timestamp.body" keyed by the whole secret (vector from openssl)', () => {
  // printf '%s' '1773576000.{"id":"x"}' | openssl dgst -sha256 -hmac 'whsec_test'
  assert.equal(
    signatureHeader({ secret: 'whsec_test', timestamp: '1773576000', body: '{"id":"x"}' }),
    'v1=faf2908411a3190e7b241a5aa2b03530acc22447ddee6ceaf9e278463ac81159',
  );
});

test('generated secrets are 256 random bits behind a recognisable prefix', () => {
  const a = generateSecret();
  assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, generateSecret());
});
