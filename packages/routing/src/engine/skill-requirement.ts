import { rejection, type Rejection } from '@switchboard/kernel';
import { UNKNOWN_SKILL } from '../expression/rejections';
import { RoutingCode } from '../routing-codes';

/** Skill levels run from 1 to 10 (技能等级), for agents and for what a contact requires alike. */
export const MIN_SKILL_LEVEL = 1;
export const MAX_SKILL_LEVEL = 10;
/** As many as an IVR route node may name; bounds the work of checking one agent. */
export const MAX_REQUIRED_SKILLS = 20;

/**
 * What one contact requires of the agent who takes it, on top of its queue's routing step: every
 * listed skill at least at its level. Normalized (codes sorted), so contacts asking the same thing
 * share a `key` and wait in the same skill-gated line of their step.
 */
export interface SkillRequirement {
  readonly key: string;
  readonly codes: readonly string[];
  readonly levels: readonly number[];
  /** The same requirement as the events carry it: code → minimum level, codes in sorted order. */
  readonly skills: Readonly<Record<string, number>>;
}

/**
 * Why `requiredSkills` of an `EnqueueContact` cannot be accepted, or undefined when it can: codes
 * must be non-empty strings (and known, when the engine was given `knownSkills`), levels whole
 * numbers from 1 to 10, at most {@link MAX_REQUIRED_SKILLS} of them.
 */
export function checkRequiredSkills(
  requiredSkills: unknown,
  knownSkills: ReadonlySet<string> | undefined,
): Rejection | undefined {
  if (requiredSkills === undefined) return undefined;
  if (typeof requiredSkills !== 'object' || requiredSkills === null || Array.isArray(requiredSkills))
    return rejection(RoutingCode.InvalidContact, 'requiredSkills must map skill codes to levels');
  const entries = Object.entries(requiredSkills);
  if (entries.length > MAX_REQUIRED_SKILLS)
    return rejection(RoutingCode.InvalidContact, `at most ${MAX_REQUIRED_SKILLS} required skills`, {
      count: entries.length,
    });
  for (const [code, level] of entries) {
    if (code.trim() === '')
      return rejection(RoutingCode.InvalidContact, 'a required skill code must not be empty', { code });
    if (
      typeof level !== 'number' ||
      !Number.isInteger(level) ||
      level < MIN_SKILL_LEVEL ||
      level > MAX_SKILL_LEVEL
    )
      return rejection(
        RoutingCode.InvalidContact,
        `required level of ${code} must be a whole number from ${MIN_SKILL_LEVEL} to ${MAX_SKILL_LEVEL}`,
        { code, level },
      );
    if (knownSkills !== undefined && !knownSkills.has(code))
      return rejection(UNKNOWN_SKILL, `unknown skill ${code}`, { code });
  }
  return undefined;
}

/**
 * The normalized requirement of a `requiredSkills` record (already checked, or read from the log),
 * or null when it requires nothing: absent and empty mean the same, so that such a contact takes
 * the matcher's paths exactly as before requirements existed.
 */
export function skillRequirementOf(
  requiredSkills: Readonly<Record<string, number>> | undefined,
): SkillRequirement | null {
  if (requiredSkills === undefined) return null;
  const codes = Object.keys(requiredSkills).sort();
  if (codes.length === 0) return null;
  const levels = codes.map((code) => requiredSkills[code] as number);
  // `fromEntries` defines own properties, so even a code like `__proto__` stays a plain key.
  const skills = Object.freeze(Object.fromEntries(codes.map((code, i) => [code, levels[i] as number])));
  return Object.freeze({ key: JSON.stringify([codes, levels]), codes, levels, skills });
}

/** Whether an agent with these skills meets every part of the requirement. Allocates nothing. */
export function meetsRequirement(
  skills: ReadonlyMap<string, number>,
  r: Pick<SkillRequirement, 'codes' | 'levels'>,
): boolean {
  const { codes, levels } = r;
  for (let i = 0; i < codes.length; i++) {
    const has = skills.get(codes[i] as string);
    if (has === undefined || has < (levels[i] as number)) return false;
  }
  return true;
}
