import { isJsonObject } from '../flow/field-reader';
import { own, type Scalar } from '../flow/flow-types';

/** Where a variable comes from in a lookup result: a dotted path, optional or required. */
export type StoreSpec = string | { readonly path: string; readonly optional?: boolean };

/** Dotted path into a result object (`order.status`). */
export const RESULT_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Longest string a lookup may put in a variable; longer means the service sent something else. */
export const MAX_RESULT_CHARS = 500;

function at(data: unknown, path: string): unknown {
  let v: unknown = data;
  for (const key of path.split('.')) {
    if (!isJsonObject(v)) return undefined;
    v = own(v, key);
  }
  return v;
}

function scalar(v: unknown): Scalar | undefined {
  if (typeof v === 'string') return v.length <= MAX_RESULT_CHARS ? v : undefined;
  if (typeof v === 'boolean') return v;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Takes the variables a lookup node wants from a result, or undefined when the result is garbage:
 * not an object, or a required value missing or not a short string, number or boolean. The
 * interpreter never trusts a webhook's shape; garbage takes the node's failure path.
 */
export function extractResult(
  data: unknown,
  store: Readonly<Record<string, StoreSpec>> | undefined,
): Record<string, Scalar> | undefined {
  if (!isJsonObject(data)) return undefined;
  const out: Record<string, Scalar> = {};
  for (const [name, spec] of Object.entries(store ?? {})) {
    const path = typeof spec === 'string' ? spec : spec.path;
    const raw = at(data, path);
    const value = scalar(raw);
    const optional = typeof spec !== 'string' && spec.optional === true;
    if (value !== undefined) out[name] = value;
    else if (!optional || raw !== undefined) return undefined;
  }
  return out;
}
