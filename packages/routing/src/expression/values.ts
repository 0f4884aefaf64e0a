// Run-time value rules shared by every compiled comparison. All of them are total (never throw)
// and allocation-free, because they run inside `evaluate`.

/** A value read from an agent or a contact; `undefined` stands for "missing". */
export type Value = string | number | boolean | readonly unknown[] | undefined;

/**
 * Reads an attribute. Anything that is not a string, number, boolean or array counts as missing:
 * this also keeps inherited members such as `constructor` or `__proto__` out of expressions without
 * paying for an own-property check.
 */
export function readAttribute(attributes: Readonly<Record<string, unknown>>, key: string): Value {
  const v = attributes[key];
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return v;
    case 'object':
      return Array.isArray(v) ? (v as readonly unknown[]) : undefined;
    default:
      return undefined;
  }
}

/** The level of a skill; an absent skill is level 0. */
export function skillLevel(skills: ReadonlyMap<string, number>, name: string): number {
  const level = skills.get(name);
  return typeof level === 'number' ? level : 0;
}

/**
 * The number a string spells, or NaN. IVR choices often arrive as strings ('1'), so numbers and
 * numeric strings compare as numbers. Only strings written like a number literal (`-12.5e3`) count:
 * `Number()` alone would also take '', ' 1', '0x10' and 'Infinity'.
 */
export function numericString(s: string): number {
  return isNumberLiteral(s) ? Number(s) : NaN;
}

// A hand-written scan rather than a RegExp or a closure, so it plainly allocates nothing.
function isNumberLiteral(s: string): boolean {
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  let next = skipDigits(s, i);
  if (next === i) return false;
  i = next;
  if (s.charCodeAt(i) === 0x2e) {
    next = skipDigits(s, i + 1);
    if (next === i + 1) return false;
    i = next;
  }
  if ((s.charCodeAt(i) | 0x20) === 0x65) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    next = skipDigits(s, i);
    if (next === i) return false;
    i = next;
  }
  return i === s.length;
}

function skipDigits(s: string, from: number): number {
  let i = from;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

/** The number a value stands for in `< <= > >=`, or NaN (which makes every ordering false). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return numericString(v);
  return NaN;
}

/** Equality of two scalars: same type and value, or a number and a string spelling it. */
export function scalarEquals(x: unknown, y: unknown): boolean {
  if (x === y) return x !== undefined;
  if (typeof x === 'number' && typeof y === 'string') return x === numericString(y);
  if (typeof x === 'string' && typeof y === 'number') return numericString(x) === y;
  return false;
}

/** `==`: false when either side is missing or a list (lists are searched with `has` / `in`). */
export function valueEquals(x: Value, y: Value): boolean {
  if (typeof x === 'object' || typeof y === 'object') return false;
  return scalarEquals(x, y);
}

/** `!=`: both sides present and not equal. A missing side makes every comparison false. */
export function valueNotEquals(x: Value, y: Value): boolean {
  if (x === undefined || y === undefined) return false;
  return !valueEquals(x, y);
}

/** `list has item`: a scalar on the list side acts as a one-element list. */
export function listHas(list: Value, item: Value): boolean {
  if (item === undefined || typeof item === 'object' || list === undefined) return false;
  if (typeof list !== 'object') return scalarEquals(list, item);
  for (let i = 0; i < list.length; i++) {
    if (scalarEquals(list[i], item)) return true;
  }
  return false;
}

/** A value used as a condition: true, a non-zero number, a non-empty string or list. */
export function truthy(v: Value): boolean {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0 && v === v;
    case 'string':
      return v.length > 0;
    case 'object':
      return v.length > 0;
    default:
      return false;
  }
}
