import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AudienceError, Errors } from '../shared/errors.ts';
import { ruleDependencies } from './dependencies.ts';
import { parseRule, type ParseContext } from './parse.ts';
import type { NodeOf } from './types.ts';

const segments: Record<string, unknown> = {
  londoners: { attribute: 'city', op: 'is', value: 'London' },
  buyers: { event: 'purchase', time: { op: 'within_last', amount: 30, unit: 'day' } },
  both: { all: [{ segment: 'londoners' }, { segment: 'buyers' }] },
};
const ctx: ParseContext = {
  attributeType: (name) => ({ signup: 'date', seen: 'datetime', vip: 'boolean', total: 'number', birthdate: 'string' } as const)[name as 'signup'],
  segment: (ref) => segments[ref],
};

function rejects(rule: unknown, path: string, fragment: RegExp, c: ParseContext = ctx): void {
  assert.throws(
    () => parseRule(rule, c),
    (err: unknown) => {
      assert.ok(err instanceof AudienceError);
      assert.equal(err.code, Errors.ruleInvalid.code);
      assert.equal(err.path, path || undefined);
      assert.ok(err.message.startsWith(path ? `${path}: ` : ''), err.message);
      assert.match(err.message, fragment);
      return true;
    },
  );
}

describe('parseRule', () => {
  test('types: undeclared attributes are strings, birthdate is always a date, age is derived', () => {
    const node = parseRule({ all: [{ attribute: 'plan', op: 'is', value: 5 }, { attribute: 'birthdate', op: 'was', amount: 1, unit: 'day' }, { attribute: 'age', op: 'gt', value: '18' }] }, ctx);
    const [plan, birth, age] = (node as NodeOf<'all'>).rules as NodeOf<'attribute'>[];
    assert.deepEqual(plan, { kind: 'attribute', attribute: 'plan', type: 'string', op: 'is', test: { kind: 'equals', negate: false, operands: [{ type: 'string', value: '5' }] } });
    assert.equal(birth!.type, 'date');
    assert.deepEqual(age, { kind: 'attribute', attribute: 'age', type: 'number', derived: 'age', op: 'gt', test: { kind: 'compare', op: 'gt', operand: { type: 'number', value: 18 } } });
    assert.ok(Object.isFrozen(node) && Object.isFrozen(plan));
  });

  test('date operands: lt on a date is a day comparison, on a datetime a datetime operand compares instants', () => {
    const n = (rule: unknown) => (parseRule(rule, ctx) as NodeOf<'attribute'>).test;
    assert.deepEqual(n({ attribute: 'signup', op: 'lt', value: '2026-03-01' }), { kind: 'days', spec: { kind: 'absolute', op: 'before', day: '2026-03-01' } });
    assert.deepEqual(n({ attribute: 'seen', op: 'gte', value: '2026-03-01T10:00:00+01:00' }), { kind: 'compare', op: 'gte', operand: { type: 'datetime', value: '2026-03-01T10:00:00+01:00' } });
    assert.deepEqual(n({ attribute: 'vip', op: 'is', value: 'yes' }), { kind: 'equals', negate: false, operands: [{ type: 'boolean', value: true }] });
  });

  test('referenced segments are parsed once and embedded', () => {
    const node = parseRule({ any: [{ segment: 'both' }, { not: { segment: 'londoners' } }] }, ctx) as NodeOf<'any'>;
    const both = node.rules[0] as NodeOf<'segment'>;
    const inner = (both.rule as NodeOf<'all'>).rules[0] as NodeOf<'segment'>;
    const again = (node.rules[1] as NodeOf<'not'>).rule as NodeOf<'segment'>;
    assert.equal(inner.segment, 'londoners');
    assert.equal(inner.rule, again.rule);
  });

  test('unknown extra keys are ignored', () => {
    assert.doesNotThrow(() => parseRule({ tag: 'vip', label: 'VIPs', ui: { x: 1 } }, ctx));
  });

  test('errors name the path of the bad node', () => {
    rejects({ attribute: 'city', op: 'nope', value: 'x' }, 'op', /unknown operator "nope"/);
    rejects({ attribute: 'city' }, 'op', /missing operator/);
    rejects('vip', '', /a rule must be an object/);
    rejects({}, '', /a rule needs one of/);
    rejects({ all: [{ tag: 'a', attribute: 'b', op: 'is', value: 1 }] }, 'all[0]', /two kinds at once \(attribute, tag\)/);
    rejects({ any: [{ attribute: 'city', op: 'is', value: 'a', values: ['b'] }] }, 'any[0].values', /value and values together/);
    rejects({ attribute: 'city', op: 'contains', values: ['a'] }, 'values', /only allowed with is and is_not/);
    rejects({ attribute: 'city', op: 'is', values: [] }, 'values', /must not be empty/);
    rejects({ attribute: 'city', op: 'is', values: ['a', { b: 1 }] }, 'values[1]', /must be text/);
    rejects({ attribute: 'city', op: 'ends_with', value: '' }, 'value', /non-empty text/);
    rejects({ attribute: 'signup', op: 'was', amount: 1.5, unit: 'day' }, 'amount', /whole number/);
    rejects({ attribute: 'signup', op: 'was', amount: 1, unit: 'year' }, 'unit', /unknown unit "year"/);
    rejects({ attribute: 'signup', op: 'since', value: '2026-02-29' }, 'value', /malformed date/);
    rejects({ attribute: 'signup', op: 'is', value: '2026-03-01T10:00:00Z' }, 'value', /malformed date/);
    rejects({ attribute: 'total', op: 'is', value: 'ten' }, 'value', /must be a number/);
    rejects({ attribute: 'vip', op: 'gte', value: true }, 'op', /does not fit attribute "vip" of type boolean/);
    rejects({ attribute: 'city', op: 'anniversary_within', amount: 1, unit: 'day' }, 'op', /does not fit/);
    rejects({ event: 'e', count: { op: 'gte', value: 1 }, sum: { property: 'a', op: 'gt', value: 1 } }, 'sum', /count and sum together/);
    rejects({ event: 'e', sum: { op: 'gt', value: 1 } }, 'sum.property', /missing property/);
    rejects({ event: 'e', count: { op: 'gte', value: '1' } }, 'count.value', /must be a number/);
    rejects({ event: 'e', time: { op: 'after', value: 'yesterday' } }, 'time.value', /malformed datetime/);
    rejects({ event: 'e', time: { op: 'between_last', from: { amount: 1, unit: 'day' }, to: { amount: -1, unit: 'day' } } }, 'time.to.amount', /whole number/);
    rejects({ event: 'e', where: { property: 'a' } }, 'where', /must be a list/);
    rejects({ event: 'e', where: [{ op: 'is', value: 1 }] }, 'where[0].property', /missing property/);
    rejects({ event: '' }, 'event', /non-empty string/);
    rejects({ consent: 'email', status: 'maybe' }, 'status', /unknown consent status "maybe"/);
    rejects({ not: 5 }, 'not', /a rule must be an object/);
  });

  test('segment references: unknown, cycles (also back to the segment being saved), and paths inside them', () => {
    rejects({ segment: 'nope' }, 'segment', /unknown segment "nope"/);
    const loop: ParseContext = { ...ctx, segment: (ref) => ({ a: { segment: 'b' }, b: { any: [{ segment: 'a' }] } } as Record<string, unknown>)[ref] };
    rejects({ segment: 'a' }, 'segments.b.any[0].segment', /cycle: a → b → a/, loop);
    rejects({ all: [{ segment: 'both' }] }, 'segments.both.all[0].segment', /cycle: londoners → both → londoners/, {
      ...ctx, self: 'londoners', segment: (ref) => (ref === 'both' ? { all: [{ segment: 'londoners' }] } : undefined),
    });
    rejects({ all: [{ segment: 'londoners' }] }, 'all[0].segment', /cycle: londoners → londoners/, { ...ctx, self: 'londoners' });
    const bad: ParseContext = { ...ctx, segment: () => ({ all: [{ attribute: 'city', op: 'is' }] }) };
    rejects({ not: { segment: 'x' } }, 'segments.x.all[0].value', /missing operand value/, bad);
  });

  test('limits count through groups, not inside where or referenced segments', () => {
    const attrs = (n: number) => Array.from({ length: n }, () => ({ attribute: 'city', op: 'is', value: 'x' }));
    const events = (n: number) => Array.from({ length: n }, () => ({ event: 'e', where: [{ property: 'a', op: 'is', value: 1 }, { property: 'b', op: 'is', value: 1 }] }));
    assert.doesNotThrow(() => parseRule({ all: [...attrs(25), ...events(5)] }, ctx));
    rejects({ any: [...attrs(20), { not: { all: attrs(6) } }] }, '', /too many attribute conditions: 26/);
    rejects({ any: [...events(5), { not: { event: 'f' } }] }, '', /too many event conditions: 6/);
    const big: ParseContext = { ...ctx, segment: () => ({ all: attrs(25) }) };
    assert.doesNotThrow(() => parseRule({ all: [{ segment: 'big' }, ...attrs(25)] }, big));
    rejects({ segment: 'big' }, 'segments.big', /too many attribute conditions/, { ...ctx, segment: () => ({ all: attrs(26) }) });
  });
});

describe('ruleDependencies', () => {
  test('collects what a profile answer depends on, through referenced segments', () => {
    const node = parseRule({ all: [{ segment: 'both' }, { attribute: 'age', op: 'gte', value: 18 }, { tag: 'vip' }, { list: 'news' }, { consent: 'sms', status: 'none' }, { dnc: 'email' }] }, ctx);
    assert.deepEqual(ruleDependencies(node), {
      attributes: ['birthdate', 'city', 'email', 'phone'], events: ['purchase'], tags: ['vip'], lists: ['news'],
      consentChannels: ['sms'], dncChannels: ['email'], segments: ['both', 'buyers', 'londoners'], timeDependent: true,
    });
    assert.equal(ruleDependencies(parseRule({ attribute: 'signup', op: 'before', value: '2026-01-01' }, ctx)).timeDependent, false);
    assert.equal(ruleDependencies(parseRule({ attribute: 'signup', op: 'was_within', amount: 1, unit: 'day' }, ctx)).timeDependent, true);
  });
});
