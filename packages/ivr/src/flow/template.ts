import { own, type Scalar } from './flow-types';
import type { FlowIssues } from './flow-issues';

/**
 * Templates in prompt text and values: `您的订单{{vars.orderNumber}}状态是{{vars.orderStatus}}`.
 * A reference is `{{root.name}}` with root `vars` (flow variables), `caller` (attributes the server
 * supplied at start: number, vipLevel, province, city…) or `attributes` (contact attributes set for
 * routing). There is no logic in templates: branching belongs in `condition` nodes, where it shows
 * in the flow graph and in the call timeline.
 */
export const TEMPLATE_REFERENCE = /^(vars|caller|attributes)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** What a template or a condition can read. */
export interface ValueScope {
  readonly vars: Readonly<Record<string, Scalar>>;
  readonly caller: Readonly<Record<string, Scalar>>;
  readonly attributes: Readonly<Record<string, Scalar>>;
}

type Part = { readonly text: string } | { readonly root: keyof ValueScope; readonly name: string };

/** Splits a template into text and references; a string with a problem names it. */
function parts(template: string): Part[] | string {
  const out: Part[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: template.slice(i) });
      break;
    }
    const close = template.indexOf('}}', open + 2);
    if (close < 0) return `unclosed '{{' at character ${open}`;
    const ref = template.slice(open + 2, close).trim();
    const m = TEMPLATE_REFERENCE.exec(ref);
    if (!m) return `'{{${ref}}}' is not a reference (use vars.name, caller.name or attributes.name)`;
    if (open > i) out.push({ text: template.slice(i, open) });
    out.push({ root: m[1] as keyof ValueScope, name: m[2]! });
    i = close + 2;
  }
  return out;
}

/** Checks a template at `path`; remembers the variables it reads. */
export function checkTemplate(template: string, path: string, issues: FlowIssues): void {
  const p = parts(template);
  if (typeof p === 'string') {
    issues.error(path, p);
    return;
  }
  for (const part of p)
    if ('root' in part && part.root === 'vars') issues.readVars.push({ name: part.name, path });
}

/** Reads `vars.x`, `caller.x` or `attributes.x` from a scope; undefined when absent. */
export function readReference(scope: ValueScope, root: keyof ValueScope, name: string): Scalar | undefined {
  return own(scope[root], name);
}

/**
 * Fills a checked template. A missing value renders as an empty string: a caller must hear the
 * rest of the sentence rather than a failure. An unchecked template with a bad reference renders
 * verbatim.
 */
export function renderTemplate(template: string, scope: ValueScope): string {
  const p = parts(template);
  if (typeof p === 'string') return template;
  let out = '';
  for (const part of p) {
    if ('text' in part) out += part.text;
    else out += String(readReference(scope, part.root, part.name) ?? '');
  }
  return out;
}

/** Renders a template value; numbers and booleans pass through unchanged. */
export function renderValue(value: Scalar, scope: ValueScope): Scalar {
  return typeof value === 'string' ? renderTemplate(value, scope) : value;
}
