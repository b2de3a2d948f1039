/**
 * Facts for the in-memory evaluator built straight from a case, without a database: the pure path the
 * unit tests use. The conformance command itself loads facts from the stored rows (load-facts.ts).
 */
import type { Facts } from '../../rules/eval/facts.ts';
import { foldCase } from '../../rules/text.ts';
import { eventTs, storedAttributes, type RuleCase } from './case.ts';

export function caseFacts(c: RuleCase): Map<string, Facts> {
  const out = new Map<string, Facts>();
  for (const p of c.profiles) {
    const attributes = storedAttributes(c, p);
    out.set(p.id, {
      attributes,
      tags: new Set(p.tags),
      lists: new Set(p.lists),
      consent: Object.fromEntries(Object.entries(p.consent).filter(([, s]) => s === 'subscribed' || s === 'unsubscribed')) as Facts['consent'],
      dnc: dncFor(c, attributes),
      events: c.events.filter((e) => e.profile === p.id).map((e) => ({ name: e.name, ts: eventTs(c, e), properties: e.properties })),
    });
  }
  return out;
}

function dncFor(c: RuleCase, attributes: Record<string, unknown>): Facts['dnc'] {
  const email = typeof attributes.email === 'string' ? foldCase(attributes.email) : undefined;
  const phone = typeof attributes.phone === 'string' ? attributes.phone : undefined;
  let all = false;
  const channels = new Set<string>();
  for (const d of c.dnc) {
    const hit = (d.email !== undefined && foldCase(d.email) === email) || (d.phone !== undefined && d.phone === phone);
    if (!hit) continue;
    if (d.channel === undefined || d.channel === null) all = true;
    else channels.add(d.channel);
  }
  return { all, channels };
}

