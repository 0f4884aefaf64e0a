import { NODE_MODULES, NODE_TYPES } from '../nodes/node-modules';
import { FLOW_LIMITS, FLOW_SCHEMA_VERSION, ID_PATTERN } from './flow-types';
import { PREDICATE_SCHEMA } from './predicate';
import { PROMPT_SCHEMA } from './prompt';

/**
 * JSON Schema (draft 2020-12) of a flow document, for editors and for other languages. It is
 * assembled from the schema each node module keeps next to its code, so it cannot drift from the
 * node types. `validateFlow` checks everything the schema says and more (targets exist, loops,
 * safe patterns, templates), so a document that passes the schema may still be refused.
 */
export const FLOW_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://switchboard.dev/schemas/ivr-flow-1.json',
  title: 'Switchboard IVR flow',
  type: 'object',
  required: ['schemaVersion', 'id', 'version', 'name', 'start', 'nodes'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: FLOW_SCHEMA_VERSION },
    id: { type: 'string', pattern: ID_PATTERN.source, maxLength: FLOW_LIMITS.maxIdLength },
    version: { type: 'integer', minimum: 1 },
    name: { type: 'string', minLength: 1, maxLength: FLOW_LIMITS.maxNameLength },
    start: { type: 'string', pattern: ID_PATTERN.source, maxLength: FLOW_LIMITS.maxIdLength },
    nodes: {
      type: 'object',
      minProperties: 1,
      maxProperties: FLOW_LIMITS.maxNodes,
      propertyNames: { pattern: ID_PATTERN.source, maxLength: FLOW_LIMITS.maxIdLength },
      additionalProperties: { $ref: '#/$defs/node' },
    },
  },
  $defs: {
    node: { oneOf: NODE_TYPES.map((t) => ({ $ref: `#/$defs/${t}Node` })) },
    prompt: PROMPT_SCHEMA,
    predicate: PREDICATE_SCHEMA,
    ...Object.fromEntries(NODE_TYPES.map((t) => [`${t}Node`, NODE_MODULES[t].schema])),
  },
} as const;
