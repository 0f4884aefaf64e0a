import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import { IvrCode } from '../ivr-codes';
import { moduleOf, isNodeType, NODE_TYPES, NODE_MODULES } from '../nodes/node-modules';
import { FieldReader, isJsonObject, type JsonObject } from './field-reader';
import { loopsWithoutInput, reachableFrom } from './flow-graph';
import { FlowIssues, formatIssue, type FlowIssue } from './flow-issues';
import type { FlowRegistry } from './flow-registry';
import { FLOW_LIMITS, FLOW_SCHEMA_VERSION, ID_PATTERN, own, type Flow, type FlowNode } from './flow-types';

/** Everything validation found. `flow` is set when there are no errors. */
export interface FlowReport {
  readonly flow: Flow | undefined;
  readonly errors: readonly FlowIssue[];
  /** Problems that do not stop publication: unreachable nodes, variables never set. */
  readonly warnings: readonly FlowIssue[];
}

export interface ValidateFlowOptions {
  /** Published flows, to check that subflows exist; without it subflow ids are not checked. */
  readonly flows?: Pick<FlowRegistry, 'latestVersion' | 'get'>;
}

/**
 * Checks a flow document (parsed JSON, or JSON text) and reports every problem with the path of
 * the field: `nodes.menu1.choices.3: unknown target node 'x'`. Checks the shape of every node type,
 * DTMF keys, templates, validation patterns (compiled, and refused when they can backtrack
 * catastrophically), size limits, that `start` and every target exist, and that no loop can spin
 * without waiting for the caller. Unreachable nodes are warnings.
 */
export function checkFlow(input: unknown, options: ValidateFlowOptions = {}): FlowReport {
  const issues = new FlowIssues();
  const doc = readDocument(input, issues);
  if (!doc) return { flow: undefined, errors: issues.errors, warnings: [] };
  const r = new FieldReader('', doc, issues, '');
  r.allow(['schemaVersion', 'id', 'version', 'name', 'start', 'nodes']);
  if (r.get('schemaVersion') !== FLOW_SCHEMA_VERSION) {
    const v = r.get('schemaVersion');
    r.error(
      'schemaVersion',
      v === undefined
        ? 'required'
        : `unsupported version ${JSON.stringify(v)} (expected ${FLOW_SCHEMA_VERSION})`,
    );
  }
  r.string('id', {
    max: FLOW_LIMITS.maxIdLength,
    pattern: ID_PATTERN,
    shape: 'a flow id (letters, digits, _ and -)',
  });
  r.int('version', { required: true, min: 1, max: Number.MAX_SAFE_INTEGER });
  r.string('name', { max: FLOW_LIMITS.maxNameLength });
  const start = r.string('start', { max: FLOW_LIMITS.maxIdLength });
  const nodes = r.object('nodes');
  if (nodes) checkNodes(nodes, start, issues, options);
  const errors = issues.errors;
  const flow = errors.length === 0 ? (JSON.parse(JSON.stringify(doc)) as Flow) : undefined;
  return { flow, errors, warnings: issues.warnings };
}

/** {@link checkFlow} as a `Result`: the flow, or `IVR.INVALID_FLOW` listing every error. */
export function validateFlow(input: unknown, options: ValidateFlowOptions = {}): Result<Flow, Rejection> {
  const report = checkFlow(input, options);
  if (report.flow) return ok(report.flow);
  const errors = report.errors.map(formatIssue);
  const shown = errors.slice(0, 5).join('; ');
  const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : '';
  return reject(IvrCode.InvalidFlow, `invalid flow: ${shown}${more}`, {
    errors,
    warnings: report.warnings.map(formatIssue),
  });
}

function readDocument(input: unknown, issues: FlowIssues): JsonObject | undefined {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > FLOW_LIMITS.maxDocumentChars) {
      issues.error('', `document longer than ${FLOW_LIMITS.maxDocumentChars} characters`);
      return undefined;
    }
    try {
      value = JSON.parse(input);
    } catch (e) {
      issues.error('', `not valid JSON: ${(e as Error).message}`);
      return undefined;
    }
  }
  if (!isJsonObject(value)) {
    issues.error('', 'a flow must be a JSON object');
    return undefined;
  }
  return value;
}

function checkNodes(
  nodes: FieldReader,
  start: string | undefined,
  issues: FlowIssues,
  options: ValidateFlowOptions,
): void {
  const ids = Object.keys(nodes.value);
  if (ids.length > FLOW_LIMITS.maxNodes) {
    // Checking thousands of nodes would only produce thousands of messages; size comes first.
    return issues.error('nodes', `${ids.length} nodes exceed the limit of ${FLOW_LIMITS.maxNodes}`);
  }
  if (ids.length === 0) issues.error('nodes', 'a flow needs at least one node');
  for (const id of ids) checkNode(nodes, id, options);
  if (start !== undefined && own(nodes.value, start) === undefined)
    issues.error('start', `unknown node '${start}'`);
  for (const e of issues.edges) {
    if (own(nodes.value, e.to) === undefined) issues.error(e.path, `unknown target node '${e.to}'`);
  }
  const waits = (id: string): boolean => {
    const node = own(nodes.value, id);
    return (
      !isJsonObject(node) ||
      !isNodeType(node.type) ||
      moduleOf(node as unknown as FlowNode).waitsForInput(node as never)
    );
  };
  for (const loop of loopsWithoutInput(ids, issues.edges, waits)) {
    issues.error(`nodes.${loop[0]}`, `loop ${loop.join(' → ')} never waits for caller input`);
  }
  if (start !== undefined && own(nodes.value, start) !== undefined) {
    const reached = reachableFrom(start, issues.edges);
    for (const id of ids)
      if (!reached.has(id)) issues.warn(`nodes.${id}`, `unreachable from start '${start}'`);
  }
  for (const read of issues.readVars) {
    if (!issues.writtenVars.has(read.name))
      issues.warn(read.path, `variable '${read.name}' is never set in this flow`);
  }
}

function checkNode(nodes: FieldReader, id: string, options: ValidateFlowOptions): void {
  if (!ID_PATTERN.test(id) || id.length > FLOW_LIMITS.maxIdLength) {
    return nodes.error(id, 'is not a valid node id (letters, digits, _ and -, starting with a letter)');
  }
  const n = nodes.object(id);
  if (!n) return;
  const r = new FieldReader(n.path, n.value, n.issues, id);
  const type = r.get('type');
  if (!isNodeType(type)) {
    const what = type === undefined ? 'required' : `unknown node type ${JSON.stringify(type)}`;
    return r.error('type', `${what} (one of ${NODE_TYPES.join(', ')})`);
  }
  NODE_MODULES[type].check(r);
  const flowId = r.get('flow');
  if (type === 'subflow' && options.flows && typeof flowId === 'string') {
    const version = r.get('version');
    const found =
      typeof version === 'number' ? options.flows.get(flowId, version) : options.flows.latestVersion(flowId);
    if (found === undefined) r.error('flow', `flow '${flowId}' is not published`);
  }
}
