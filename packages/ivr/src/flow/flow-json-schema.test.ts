import { describe, expect, it } from 'vitest';
import { demoShopFlow } from '../demo/demo-shop-flow';
import { NODE_TYPES } from '../nodes/node-modules';
import { formatIssue } from './flow-issues';
import { FLOW_JSON_SCHEMA } from './flow-json-schema';
import { checkFlow } from './validate-flow';

type ObjectSchema = { required: readonly string[]; properties: Record<string, unknown> };
const defs = FLOW_JSON_SCHEMA.$defs as unknown as Record<string, ObjectSchema>;

function unknownFieldErrors(node: Record<string, unknown>): string[] {
  const doc = { schemaVersion: 1, id: 'f', version: 1, name: 'f', start: 'x', nodes: { x: node } };
  return checkFlow(doc)
    .errors.filter((e) => e.message === 'unknown field')
    .map(formatIssue);
}

describe('FLOW_JSON_SCHEMA', () => {
  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(FLOW_JSON_SCHEMA))).toEqual(FLOW_JSON_SCHEMA);
  });

  it('describes every node type, and the validator accepts exactly the fields the schema lists', () => {
    expect((FLOW_JSON_SCHEMA.$defs.node.oneOf as readonly { $ref: string }[]).map((r) => r.$ref)).toEqual(
      NODE_TYPES.map((t) => `#/$defs/${t}Node`),
    );
    for (const type of NODE_TYPES) {
      const schema = defs[`${type}Node`]!;
      expect(schema.properties.type).toEqual({ const: type });
      const everyField = Object.fromEntries(
        Object.keys(schema.properties).map((k) => [k, k === 'type' ? type : null]),
      );
      expect(unknownFieldErrors(everyField)).toEqual([]);
      expect(unknownFieldErrors({ type, zzz: 1 })).toEqual(['nodes.x.zzz: unknown field']);
    }
  });

  it('requires what the validator requires', () => {
    for (const type of NODE_TYPES) {
      const missing = checkFlow({
        schemaVersion: 1,
        id: 'f',
        version: 1,
        name: 'f',
        start: 'x',
        nodes: { x: { type } },
      })
        .errors.filter((e) => e.message === 'required' && e.path.split('.').length === 3)
        .map((e) => e.path.split('.')[2]);
      expect(missing.sort(), type).toEqual(defs[`${type}Node`]!.required.filter((k) => k !== 'type').sort());
    }
  });

  it('admits the demo flow node by node', () => {
    for (const node of Object.values(demoShopFlow.nodes)) {
      const schema = defs[`${node.type}Node`]!;
      for (const key of Object.keys(node))
        expect(schema.properties, `${node.type}.${key}`).toHaveProperty(key);
      for (const key of schema.required) expect(node).toHaveProperty(key);
    }
  });
});
