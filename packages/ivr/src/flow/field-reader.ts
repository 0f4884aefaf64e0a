import { FLOW_LIMITS, ID_PATTERN, NAME_PATTERN, own } from './flow-types';
import type { FlowIssues } from './flow-issues';

/** A plain JSON object (not an array, not null). */
export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface StringRule {
  readonly required?: boolean;
  readonly max?: number;
  readonly pattern?: RegExp;
  /** Said when `pattern` does not match: "must be …". */
  readonly shape?: string;
}

interface IntRule {
  readonly required?: boolean;
  readonly min: number;
  readonly max: number;
}

/**
 * Reads the fields of one JSON object while checking them, and reports each problem with the full
 * path of the field. Every node type's check is written with it, so messages read the same
 * everywhere and no check forgets the path.
 */
export class FieldReader {
  constructor(
    readonly path: string,
    readonly value: JsonObject,
    readonly issues: FlowIssues,
    /** Id of the node being read, for graph edges. */
    readonly nodeId: string,
  ) {}

  /** Path of a field of this object. */
  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  error(key: string, message: string): void {
    this.issues.error(this.at(key), message);
  }

  has(key: string): boolean {
    return own(this.value, key) !== undefined;
  }

  get(key: string): unknown {
    return own(this.value, key);
  }

  /** Reports every field not in `fields`: a typo such as `timout` must not pass silently. */
  allow(fields: readonly string[]): void {
    for (const key of Object.keys(this.value)) {
      if (!fields.includes(key)) this.error(key, 'unknown field');
    }
  }

  /** A reader for an object-valued field, or undefined (with an error if required or mistyped). */
  object(key: string, required = true): FieldReader | undefined {
    const v = this.get(key);
    if (v === undefined) {
      if (required) this.error(key, 'required');
      return undefined;
    }
    if (!isJsonObject(v)) {
      this.error(key, 'must be an object');
      return undefined;
    }
    return new FieldReader(this.at(key), v, this.issues, this.nodeId);
  }

  /** A reader over an array-valued field, whose items are read by index (`list.object('0')`). */
  list(key: string): FieldReader | undefined {
    const v = this.get(key);
    if (!Array.isArray(v)) return undefined;
    return new FieldReader(this.at(key), v as unknown as JsonObject, this.issues, this.nodeId);
  }

  string(key: string, rule: StringRule = {}): string | undefined {
    const v = this.get(key);
    if (v === undefined) {
      if (rule.required ?? true) this.error(key, 'required');
      return undefined;
    }
    if (typeof v !== 'string') return this.fail(key, 'must be a string');
    const max = rule.max ?? FLOW_LIMITS.maxNameLength;
    if (v.length === 0) return this.fail(key, 'must not be empty');
    if (v.length > max) return this.fail(key, `longer than ${max} characters`);
    if (rule.pattern && !rule.pattern.test(v)) return this.fail(key, `must be ${rule.shape ?? rule.pattern}`);
    return v;
  }

  int(key: string, rule: IntRule): number | undefined {
    const v = this.get(key);
    if (v === undefined) {
      if (rule.required ?? false) this.error(key, 'required');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.fail(key, 'must be an integer');
    if (v < rule.min || v > rule.max) return this.fail(key, `must be between ${rule.min} and ${rule.max}`);
    return v;
  }

  /** Milliseconds within the flow-wide timeout limits. */
  timeout(key: string, required = false): number | undefined {
    return this.int(key, { required, min: FLOW_LIMITS.minTimeoutMs, max: FLOW_LIMITS.maxTimeoutMs });
  }

  retries(key: string): number | undefined {
    return this.int(key, { min: 0, max: FLOW_LIMITS.maxRetries });
  }

  boolean(key: string): boolean | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') return this.fail(key, 'must be true or false');
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], required = true): T | undefined {
    const v = this.get(key);
    if (v === undefined) {
      if (required) this.error(key, 'required');
      return undefined;
    }
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      return this.fail(key, `must be one of ${values.map((x) => `'${x}'`).join(', ')}`);
    }
    return v as T;
  }

  /**
   * A reference to another node of the same flow; remembered as a graph edge. `afterInput` marks a
   * reference followed only on a later input (see {@link FlowEdge}).
   */
  target(key: string, required = true, afterInput = false): string | undefined {
    const id = this.string(key, {
      required,
      max: FLOW_LIMITS.maxIdLength,
      pattern: ID_PATTERN,
      shape: 'a node id',
    });
    if (id !== undefined)
      this.issues.edges.push({
        from: this.nodeId,
        path: this.at(key),
        to: id,
        ...(afterInput ? { afterInput } : {}),
      });
    return id;
  }

  /** A variable this node writes. */
  variable(key: string, required = true): string | undefined {
    const name = this.string(key, { required, max: 64, pattern: NAME_PATTERN, shape: 'a variable name' });
    if (name !== undefined) this.issues.writtenVars.add(name);
    return name;
  }

  private fail(key: string, message: string): undefined {
    this.error(key, message);
    return undefined;
  }
}
