import { DIALABLE_NUMBER } from '../flow/flow-types';
import { checkPrompt, type Prompt } from '../flow/prompt';
import { checkTemplate } from '../flow/template';
import { announceThen } from './announce';
import { nodeSchema, type NodeContext, type NodeModule } from './node-module';

/**
 * Transfers the call to an external `number` (digits, or a template such as
 * `{{vars.branchPhone}}`) through `trunk` (default: the tenant's default trunk), after an optional
 * `prompt`. A template that renders to something undialable ends the call as `flow-error`.
 */
export interface TransferNode {
  readonly type: 'transfer';
  readonly number: string;
  readonly trunk?: string;
  readonly prompt?: Prompt;
}

const TRUNK = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function transfer(node: TransferNode, cx: NodeContext): null {
  const number = cx.render(node.number).replace(/[\s-]/g, '');
  if (!DIALABLE_NUMBER.test(number)) {
    cx.end('flow-error', 'transfer number is not dialable', 'flow-error');
    return null;
  }
  cx.effect({ type: 'TransferExternal', number, trunk: node.trunk ?? null });
  cx.end('transferred', number);
  return null;
}

export const transferNode: NodeModule<TransferNode> = {
  type: 'transfer',
  schema: nodeSchema('transfer', ['number'], {
    number: { type: 'string', minLength: 1, maxLength: 200 },
    trunk: { type: 'string', pattern: TRUNK.source, maxLength: 64 },
    prompt: { $ref: '#/$defs/prompt' },
  }),
  check(r) {
    r.allow(['type', 'number', 'trunk', 'prompt']);
    const number = r.string('number');
    if (number !== undefined && number.includes('{{')) checkTemplate(number, r.at('number'), r.issues);
    else if (number !== undefined && !DIALABLE_NUMBER.test(number.replace(/[\s-]/g, ''))) {
      r.error('number', "must be digits with an optional '+', or a template");
    }
    r.string('trunk', { required: false, max: 64, pattern: TRUNK, shape: 'a trunk name' });
    checkPrompt(r, 'prompt', false);
  },
  waitsForInput: (n) => n.prompt !== undefined,
  enter: (node, cx) => announceThen(cx, node.prompt, () => transfer(node, cx)),
  onPromptEnded: (node, cx) => transfer(node, cx),
};
