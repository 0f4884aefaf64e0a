import type { FlowNode, NodeType } from '../flow/flow-types';
import { callbackNode } from './callback-node';
import { collectNode } from './collect-node';
import { conditionNode } from './condition-node';
import { gotoNode } from './goto-node';
import { hangupNode } from './hangup-node';
import { lookupNode } from './lookup-node';
import { menuNode } from './menu-node';
import type { NodeModule } from './node-module';
import { playNode } from './play-node';
import { returnNode } from './return-node';
import { routeNode } from './route-node';
import { setNode } from './set-node';
import { subflowNode } from './subflow-node';
import { surveyNode } from './survey-node';
import { transferNode } from './transfer-node';
import { voicemailNode } from './voicemail-node';

/** Every node type, by `type`. Adding a node type means adding its module here and to `FlowNode`. */
export const NODE_MODULES: { readonly [T in NodeType]: NodeModule<Extract<FlowNode, { type: T }>> } = {
  play: playNode,
  menu: menuNode,
  collect: collectNode,
  condition: conditionNode,
  lookup: lookupNode,
  set: setNode,
  route: routeNode,
  voicemail: voicemailNode,
  callback: callbackNode,
  transfer: transferNode,
  survey: surveyNode,
  hangup: hangupNode,
  goto: gotoNode,
  subflow: subflowNode,
  return: returnNode,
};

/** The node types, in a stable order (for messages and the schema). */
export const NODE_TYPES = Object.keys(NODE_MODULES) as NodeType[];

export function isNodeType(value: unknown): value is NodeType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(NODE_MODULES, value);
}

/** The module of a node, typed for the node it is given. */
export function moduleOf(node: FlowNode): NodeModule {
  return NODE_MODULES[node.type] as unknown as NodeModule;
}
