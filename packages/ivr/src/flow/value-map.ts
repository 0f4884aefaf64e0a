import type { FieldReader } from './field-reader';
import { FLOW_LIMITS, NAME_PATTERN, type Scalar } from './flow-types';
import { checkTemplate, renderValue, type ValueScope } from './template';

/** Names to values, where a string value is a template (`{{vars.orderNumber}}`). */
export type ValueMap = Readonly<Record<string, Scalar>>;

/** JSON Schema of a value map. */
export const VALUE_MAP_SCHEMA = {
  type: 'object',
  maxProperties: FLOW_LIMITS.maxEntries,
  propertyNames: { pattern: NAME_PATTERN.source },
  additionalProperties: { type: ['string', 'number', 'boolean'] },
} as const;

/**
 * Checks the value map in field `key`; returns its names (empty when absent or broken).
 * `writesVars` marks the names as variables this node sets.
 */
export function checkValueMap(r: FieldReader, key: string, writesVars = false): string[] {
  const m = r.object(key, false);
  if (!m) return [];
  const names = Object.keys(m.value);
  if (names.length > FLOW_LIMITS.maxEntries)
    m.issues.error(m.path, `more than ${FLOW_LIMITS.maxEntries} entries`);
  for (const name of names) {
    const v = m.get(name);
    if (!NAME_PATTERN.test(name)) m.error(name, 'is not a valid name (letters, digits, _)');
    else if (writesVars) m.issues.writtenVars.add(name);
    if (typeof v === 'string') {
      if (v.length > FLOW_LIMITS.maxPromptChars)
        m.error(name, `longer than ${FLOW_LIMITS.maxPromptChars} characters`);
      else checkTemplate(v, m.at(name), m.issues);
    } else if (typeof v !== 'boolean' && !Number.isFinite(v))
      m.error(name, 'must be a string, number or boolean');
  }
  return names;
}

/** Renders every template of a map. */
export function renderValueMap(map: ValueMap | undefined, scope: ValueScope): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[k] = renderValue(v, scope);
  return out;
}
