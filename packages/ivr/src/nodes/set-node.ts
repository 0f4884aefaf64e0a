import { checkValueMap, renderValueMap, VALUE_MAP_SCHEMA, type ValueMap } from '../flow/value-map';
import { nodeSchema, TARGET_SCHEMA, type NodeModule } from './node-module';

/**
 * Sets flow variables (`vars`) and contact attributes (`attributes`, handed to routing with the
 * contact), then continues at `next`. String values are templates: `{{caller.province}}`.
 */
export interface SetNode {
  readonly type: 'set';
  readonly vars?: ValueMap;
  readonly attributes?: ValueMap;
  readonly next: string;
}

export const setNode: NodeModule<SetNode> = {
  type: 'set',
  schema: nodeSchema('set', ['next'], {
    vars: VALUE_MAP_SCHEMA,
    attributes: VALUE_MAP_SCHEMA,
    next: TARGET_SCHEMA,
  }),
  check(r) {
    r.allow(['type', 'vars', 'attributes', 'next']);
    checkValueMap(r, 'vars', true);
    checkValueMap(r, 'attributes');
    if (!r.has('vars') && !r.has('attributes'))
      r.error('vars', "nothing to set: give 'vars' or 'attributes'");
    r.target('next');
  },
  waitsForInput: () => false,
  enter(node, cx) {
    // Render everything against the values before this node, so entries do not see each other.
    const vars = renderValueMap(node.vars, cx.scope());
    const attributes = renderValueMap(node.attributes, cx.scope());
    for (const [k, v] of Object.entries(vars)) cx.setVar(k, v);
    for (const [k, v] of Object.entries(attributes)) cx.setAttribute(k, v);
    cx.record('IvrVariablesSet', { vars: Object.keys(vars), attributes: Object.keys(attributes) });
    return node.next;
  },
};
