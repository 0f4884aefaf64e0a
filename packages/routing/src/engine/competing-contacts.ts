import type { ContactRecord } from './engine-records';
import { allWaiting } from './gated-lines';
import type { SkillRequirement } from './skill-requirement';

type Requirement = Pick<SkillRequirement, 'codes' | 'levels'>;

/**
 * Whether every agent who meets `strict` also meets `loose`: each skill `loose` names is in
 * `strict` at least at the same level. No requirement (null) is met by every agent. Codes are
 * sorted (`skillRequirementOf`), so one merge walk decides it without allocating.
 */
export function includesRequirement(strict: Requirement | null, loose: Requirement | null): boolean {
  if (loose === null) return true;
  if (strict === null) return false;
  const { codes, levels } = strict;
  let i = 0;
  for (let j = 0; j < loose.codes.length; j++) {
    const code = loose.codes[j] as string;
    while (i < codes.length && (codes[i] as string) < code) i++;
    if (codes[i] !== code || (levels[i] as number) < (loose.levels[j] as number)) return false;
  }
  return true;
}

/**
 * Whether two contacts wait for the same agents, as far as their requirements tell. When one
 * requirement includes the other, every agent who can take the stricter contact can take the
 * looser one too, so whichever is ahead uses up agents the one behind waits for: the unrestricted
 * contacts, the contact's own line, and stricter or looser lines all count. Requirements that do
 * not nest (a Mandarin line and an English one) share only agents who happen to have both; such
 * lines are not counted as ahead of each other.
 */
export function competeForAgents(a: Requirement | null, b: Requirement | null): boolean {
  return includesRequirement(a, b) || includesRequirement(b, a);
}

/**
 * 1-based place in line of a waiting contact among the contacts of its queue that
 * {@link competeForAgents} with it, in serving order (priority, then original arrival). For a
 * contact without requirements every waiting contact competes, so this is its plain place in line.
 * O(contacts waiting in the queue).
 */
export function placeAmongCompetitors(c: ContactRecord): number {
  let ahead = 0;
  for (const other of allWaiting(c.queue))
    if (
      (other.k1 < c.k1 ||
        (other.k1 === c.k1 && (other.k2 < c.k2 || (other.k2 === c.k2 && other.k3 < c.k3)))) &&
      competeForAgents(c.requirement, other.requirement)
    )
      ahead++;
  return ahead + 1;
}
