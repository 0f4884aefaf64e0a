/** One thing wrong with a scenario, named by its JSON path (`queues[1].handleTime.mean`). */
export interface ScenarioProblem {
  readonly field: string;
  readonly message: string;
}

/** Rules for a number field; all bounds inclusive unless `above` is used. */
export interface NumberRule {
  readonly min?: number;
  /** Strictly greater than this. */
  readonly above?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

const CLOCK = /^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?$/;

/** Joins a path and a key the way the problems name fields. */
export function fieldPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Describes a JSON value's type for messages ("got a string"). */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Reads the fields of one JSON object, collecting every problem instead of stopping at the first,
 * so an author fixes a scenario in one round. Unknown keys are problems too: a misspelt optional
 * field (`handletime`) would otherwise be silently ignored.
 */
export class ObjectReader {
  constructor(
    readonly value: Readonly<Record<string, unknown>>,
    readonly path: string,
    readonly problems: ScenarioProblem[],
    allowed: readonly string[],
  ) {
    for (const key of Object.keys(value))
      if (!allowed.includes(key))
        this.add(key, `unknown field; expected one of ${allowed.map((k) => `'${k}'`).join(', ')}`);
  }

  /** Reads `value` as an object at `path`, or records a problem and returns undefined. */
  static of(
    value: unknown,
    path: string,
    problems: ScenarioProblem[],
    allowed: readonly string[],
  ): ObjectReader | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({
        field: path === '' ? '(scenario)' : path,
        message: `must be an object, got ${typeName(value)}`,
      });
      return undefined;
    }
    return new ObjectReader(value as Record<string, unknown>, path, problems, allowed);
  }

  field(key: string): string {
    return fieldPath(this.path, key);
  }

  add(key: string, message: string): void {
    this.problems.push({ field: this.field(key), message });
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  /** A number obeying `rule`; `fallback` when absent (absent without fallback is a problem). */
  number(key: string, rule: NumberRule = {}, fallback?: number): number | undefined {
    const v = this.value[key];
    if (v === undefined) return this.missing(key, fallback);
    return checkNumber(v, this.field(key), rule, this.problems);
  }

  string(key: string, fallback?: string): string | undefined {
    const v = this.value[key];
    if (v === undefined) return this.missing(key, fallback);
    if (typeof v === 'string' && v.trim() !== '') return v;
    this.add(key, `must be a non-empty string, got ${typeName(v)}`);
    return undefined;
  }

  /** An array (possibly empty); absent gives `fallback` or a problem. */
  array(key: string, fallback?: readonly unknown[]): readonly unknown[] | undefined {
    const v = this.value[key];
    if (v === undefined) return this.missing(key, fallback);
    if (Array.isArray(v)) return v;
    this.add(key, `must be an array, got ${typeName(v)}`);
    return undefined;
  }

  /** A nested object read with its own allowed keys; absent gives undefined without a problem. */
  object(key: string, allowed: readonly string[]): ObjectReader | undefined {
    const v = this.value[key];
    return v === undefined ? undefined : ObjectReader.of(v, this.field(key), this.problems, allowed);
  }

  /**
   * A time of day: seconds from the simulation start, or an `"HH:MM[:SS]"` clock time converted
   * with the scenario's start clock (a clock time before the start means the next day).
   */
  time(key: string, startClock: number, fallback?: number): number | undefined {
    const v = this.value[key];
    if (typeof v === 'string') {
      const clock = parseClock(v);
      if (clock === undefined || clock >= 86_400) {
        this.add(key, `must be seconds from the start or a clock time "HH:MM[:SS]", got '${v}'`);
        return undefined;
      }
      return clock >= startClock ? clock - startClock : clock + 86_400 - startClock;
    }
    return this.number(key, { min: 0 }, fallback);
  }

  private missing<T>(key: string, fallback: T | undefined): T | undefined {
    if (fallback === undefined) this.add(key, 'is required');
    return fallback;
  }
}

/** Seconds since midnight of `"HH:MM[:SS]"`, or undefined when it is not one. */
export function parseClock(text: string): number | undefined {
  const m = CLOCK.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

/** Checks one number against a rule, recording a problem under `field` when it fails. */
export function checkNumber(
  v: unknown,
  field: string,
  rule: NumberRule,
  problems: ScenarioProblem[],
): number | undefined {
  const fail = (what: string): undefined => {
    problems.push({ field, message: `must be ${what}, got ${typeof v === 'number' ? v : typeName(v)}` });
    return undefined;
  };
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail('a finite number');
  if (rule.integer === true && !Number.isInteger(v)) return fail('a whole number');
  if (rule.above !== undefined && !(v > rule.above)) return fail(`greater than ${rule.above}`);
  if (rule.min !== undefined && v < rule.min) return fail(`at least ${rule.min}`);
  if (rule.max !== undefined && v > rule.max) return fail(`at most ${rule.max}`);
  return v;
}
