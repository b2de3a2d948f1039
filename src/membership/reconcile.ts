/**
 * The per-profile step, pure: evaluate the given segments on a profile's facts at `now`, compare with
 * its stored membership, and return the differences and the profile's next due instant. The caller
 * loads and writes; nothing here touches the store or the clock.
 */
import { evaluate } from '../rules/eval/evaluate.ts';
import type { EvalContext, Facts } from '../rules/eval/facts.ts';
import { nextChange } from '../rules/eval/next-change.ts';
import type { Cause, SegmentDef } from './definitions.ts';

export interface ProfileWork {
  readonly profileId: string;
  /** undefined: the profile no longer exists (erased), so it leaves every segment it is in. */
  readonly facts: Facts | undefined;
  /** The segments to evaluate, each with the cause its transitions carry. */
  readonly segments: ReadonlyMap<SegmentDef, Cause>;
  /** Segment ids the profile is stored as a member of. */
  readonly stored: ReadonlySet<string>;
}

export interface Transition {
  readonly profileId: string;
  readonly segmentId: string;
  readonly kind: 'enter' | 'exit';
  readonly cause: Cause;
}

export interface Outcome {
  readonly transitions: Transition[];
  /** Profile → the earliest instant after now at which an evaluated segment can change (none: absent). */
  readonly due: Map<string, Date>;
  /** Profiles that no longer exist. */
  readonly gone: string[];
}

export function reconcile(work: Iterable<ProfileWork>, ctx: EvalContext): Outcome {
  const out: Outcome = { transitions: [], due: new Map(), gone: [] };
  for (const w of work) {
    if (!w.facts) {
      out.gone.push(w.profileId);
      for (const segmentId of w.stored) out.transitions.push({ profileId: w.profileId, segmentId, kind: 'exit', cause: 'erase' });
      continue;
    }
    let due: Date | null = null;
    for (const [s, cause] of w.segments) {
      const member = evaluate(s.node, w.facts, ctx);
      if (member !== w.stored.has(s.id)) out.transitions.push({ profileId: w.profileId, segmentId: s.id, kind: member ? 'enter' : 'exit', cause });
      if (s.deps.timeDependent) {
        const next = nextChange(s.node, w.facts, ctx);
        if (next && (!due || next < due)) due = next;
      }
    }
    if (due) out.due.set(w.profileId, due);
  }
  return out;
}
