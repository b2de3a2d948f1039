/**
 * What a rule depends on, for the real-time layer's index: which changes can alter a profile's answer.
 * Referenced segments are followed (their conditions count as the rule's own).
 */
import { assertNever } from '../shared/assert-never.ts';
import type { RuleNode, ValueTest } from './types.ts';

export interface RuleDependencies {
  /** Stored attributes read: `age` reads birthdate, `dnc` reads email and phone. */
  readonly attributes: readonly string[];
  readonly events: readonly string[];
  readonly tags: readonly string[];
  readonly lists: readonly string[];
  readonly consentChannels: readonly string[];
  readonly dncChannels: readonly string[];
  /** Every segment key reached, directly or through other segments. */
  readonly segments: readonly string[];
  /**
   * True when the answer can change with the clock alone: relative date operators, anniversaries and
   * age (at local midnights), and every event condition (windows slide, and an event dated after now
   * starts to count when now reaches it). Schedule such rules with nextChange (eval/next-change.ts).
   */
  readonly timeDependent: boolean;
}

const dependsOnToday = (t: ValueTest): boolean => (t.kind === 'days' && t.spec.kind === 'relative') || t.kind === 'anniversary';

export function ruleDependencies(node: RuleNode): RuleDependencies {
  const acc = {
    attributes: new Set<string>(), events: new Set<string>(), tags: new Set<string>(), lists: new Set<string>(),
    consentChannels: new Set<string>(), dncChannels: new Set<string>(), segments: new Set<string>(), timeDependent: false,
  };
  const visit = (n: RuleNode): void => {
    switch (n.kind) {
      case 'all':
      case 'any':
        n.rules.forEach(visit);
        return;
      case 'not':
        return visit(n.rule);
      case 'attribute':
        acc.attributes.add(n.derived === 'age' ? 'birthdate' : n.attribute);
        if (n.derived === 'age' || dependsOnToday(n.test)) acc.timeDependent = true;
        return;
      case 'event':
        acc.events.add(n.event);
        acc.timeDependent = true;
        return;
      case 'tag':
        acc.tags.add(n.tag);
        return;
      case 'list':
        acc.lists.add(n.list);
        return;
      case 'segment':
        acc.segments.add(n.segment);
        return visit(n.rule);
      case 'consent':
        acc.consentChannels.add(n.channel);
        return;
      case 'dnc':
        acc.dncChannels.add(n.channel);
        acc.attributes.add('email').add('phone');
        return;
      default:
        return assertNever(n, 'rule node');
    }
  };
  visit(node);
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    attributes: sorted(acc.attributes), events: sorted(acc.events), tags: sorted(acc.tags), lists: sorted(acc.lists),
    consentChannels: sorted(acc.consentChannels), dncChannels: sorted(acc.dncChannels), segments: sorted(acc.segments),
    timeDependent: acc.timeDependent,
  };
}
