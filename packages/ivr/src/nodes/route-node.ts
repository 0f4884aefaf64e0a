import { QUEUE_CODE } from '../flow/flow-types';
import { checkPrompt, type Prompt } from '../flow/prompt';
import { checkValueMap, renderValueMap, VALUE_MAP_SCHEMA, type ValueMap } from '../flow/value-map';
import { announceThen } from './announce';
import { nodeSchema, TARGET_SCHEMA, type NodeContext, type NodeModule } from './node-module';

/**
 * Hands the call to routing: queue `queue` with `priority` (higher first, default 0), required
 * `skills` (name → minimum level) and contact `attributes` (templates, added to those set by `set`
 * nodes). An optional `prompt` plays first ("正在为您转接"). The IVR flow ends here, unless
 * `afterCall` names where it resumes when the agent ends the conversation while the caller is
 * still on the line (a post-call satisfaction survey); a caller who hangs up first hears nothing.
 */
export interface RouteNode {
  readonly type: 'route';
  readonly queue: string;
  readonly priority?: number;
  readonly skills?: Readonly<Record<string, number>>;
  readonly attributes?: ValueMap;
  readonly prompt?: Prompt;
  /** Node the flow resumes at after the agent hung up (same flow version, variables and attributes). */
  readonly afterCall?: string;
}

const SKILL = /^[A-Za-z][A-Za-z0-9_-]*$/;

function route(node: RouteNode, cx: NodeContext): null {
  const attributes = { ...cx.scope().attributes, ...renderValueMap(node.attributes, cx.scope()) };
  cx.effect({
    type: 'RouteToQueue',
    queue: node.queue,
    priority: node.priority ?? 0,
    skills: { ...node.skills },
    attributes,
  });
  if (node.afterCall === undefined) cx.end('routed', node.queue);
  else cx.park(node.queue, node.afterCall);
  return null;
}

export const routeNode: NodeModule<RouteNode> = {
  type: 'route',
  schema: nodeSchema('route', ['queue'], {
    queue: { type: 'string', pattern: QUEUE_CODE.source, maxLength: 64 },
    priority: { type: 'integer', minimum: 0, maximum: 100, default: 0 },
    skills: {
      type: 'object',
      maxProperties: 20,
      propertyNames: { pattern: SKILL.source },
      additionalProperties: { type: 'integer', minimum: 1, maximum: 10 },
    },
    attributes: VALUE_MAP_SCHEMA,
    prompt: { $ref: '#/$defs/prompt' },
    afterCall: TARGET_SCHEMA,
  }),
  check(r) {
    r.allow(['type', 'queue', 'priority', 'skills', 'attributes', 'prompt', 'afterCall']);
    r.target('afterCall', false, true);
    r.string('queue', { max: 64, pattern: QUEUE_CODE, shape: 'a queue code' });
    r.int('priority', { min: 0, max: 100 });
    checkValueMap(r, 'attributes');
    checkPrompt(r, 'prompt', false);
    const skills = r.object('skills', false);
    const names = Object.keys(skills?.value ?? {});
    if (names.length > 20) r.error('skills', 'more than 20 skills');
    for (const name of names) {
      if (!SKILL.test(name)) skills!.error(name, 'is not a skill name');
      skills!.int(name, { min: 1, max: 10 });
    }
  },
  waitsForInput: (n) => n.prompt !== undefined,
  enter: (node, cx) => announceThen(cx, node.prompt, () => route(node, cx)),
  onPromptEnded: (node, cx) => route(node, cx),
};
