import type { Rejection } from '@switchboard/kernel';
import { collectReferences, type Expression } from './ast';
import { expressionRejection, UNKNOWN_ATTRIBUTE, UNKNOWN_SKILL } from './rejections';
import type { CompileExpressionOptions } from './views';

/** At most this many known names are listed in `expected`; the rest is noise in a form. */
const MAX_LISTED = 50;

/**
 * Rejects the first skill or agent attribute outside the known sets, when those are given. Contact
 * attributes are never checked: IVR flows and CRM look-ups add them freely. The details also list
 * every unknown name of the same kind (`unknown`) and, for a likely typo, a `suggestion`.
 */
export function checkKnownNames(expr: Expression, options: CompileExpressionOptions): Rejection | undefined {
  const { knownSkills, knownAgentAttributes } = options;
  if (knownSkills === undefined && knownAgentAttributes === undefined) return undefined;
  const refs = collectReferences(expr);
  const unknown = refs.filter(
    (r) =>
      (r.kind === 'skill' && knownSkills !== undefined && !knownSkills.has(r.name)) ||
      (r.kind === 'agent' && knownAgentAttributes !== undefined && !knownAgentAttributes.has(r.name)),
  );
  const first = unknown[0];
  if (first === undefined) return undefined;
  const known = [...((first.kind === 'skill' ? knownSkills : knownAgentAttributes) as ReadonlySet<string>)];
  const suggestion = closest(first.name, known);
  const what = first.kind === 'skill' ? 'skill' : 'agent attribute';
  const hint = suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
  return expressionRejection(
    first.kind === 'skill' ? UNKNOWN_SKILL : UNKNOWN_ATTRIBUTE,
    `Unknown ${what} '${first.name}'${hint}`,
    first.start,
    first.end,
    known.sort().slice(0, MAX_LISTED),
    {
      [first.kind === 'skill' ? 'skill' : 'attribute']: first.name,
      unknown: [...new Set(unknown.filter((r) => r.kind === first.kind).map((r) => r.name))],
      ...(suggestion === undefined ? {} : { suggestion }),
    },
  );
}

/** The known name a typo most likely meant: same letters in another case, or within 2 edits. */
function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  let best: string | undefined;
  let bestDistance = Math.min(2, name.length - 1);
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase(), bestDistance);
    if (d < bestDistance || (d === bestDistance && best === undefined)) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}
