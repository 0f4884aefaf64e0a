import type { CallbackNode } from '../nodes/callback-node';
import type { CollectNode } from '../nodes/collect-node';
import type { ConditionNode } from '../nodes/condition-node';
import type { GotoNode } from '../nodes/goto-node';
import type { HangupNode } from '../nodes/hangup-node';
import type { LookupNode } from '../nodes/lookup-node';
import type { MenuNode } from '../nodes/menu-node';
import type { PlayNode } from '../nodes/play-node';
import type { ReturnNode } from '../nodes/return-node';
import type { RouteNode } from '../nodes/route-node';
import type { SetNode } from '../nodes/set-node';
import type { SubflowNode } from '../nodes/subflow-node';
import type { SurveyNode } from '../nodes/survey-node';
import type { TransferNode } from '../nodes/transfer-node';
import type { VoicemailNode } from '../nodes/voicemail-node';

/** The only flow document version this package reads; a new incompatible format gets 2. */
export const FLOW_SCHEMA_VERSION = 1;

/** A value a variable, a caller attribute or a contact attribute can hold. */
export type Scalar = string | number | boolean;

/** Any node of a flow, discriminated by `type`. */
export type FlowNode =
  | PlayNode
  | MenuNode
  | CollectNode
  | ConditionNode
  | LookupNode
  | SetNode
  | RouteNode
  | VoicemailNode
  | CallbackNode
  | TransferNode
  | SurveyNode
  | HangupNode
  | GotoNode
  | SubflowNode
  | ReturnNode;

/** The `type` of a node. */
export type NodeType = FlowNode['type'];

/**
 * A published IVR flow (schema version 1). A flow is immutable once published: a change is a new
 * `version` of the same `id`, and a call keeps the version it started with.
 *
 * The document is plain JSON; optional fields take the defaults documented on each node type, so
 * the document a designer writes and the object the interpreter runs are the same value.
 */
export interface Flow {
  readonly schemaVersion: typeof FLOW_SCHEMA_VERSION;
  /** Stable id shared by every version (`demo-shop`). */
  readonly id: string;
  /** Positive integer, increasing with each publication. */
  readonly version: number;
  readonly name: string;
  /** Id of the node a call enters first. */
  readonly start: string;
  readonly nodes: Readonly<Record<string, FlowNode>>;
}

/** Hard limits that keep one flow cheap to validate, store and run. */
export const FLOW_LIMITS = {
  /** Characters of a flow document given as JSON text. */
  maxDocumentChars: 512 * 1024,
  maxNodes: 500,
  maxIdLength: 64,
  maxNameLength: 200,
  maxPromptChars: 1000,
  maxChoices: 12,
  maxBranches: 32,
  maxPredicateDepth: 6,
  maxPredicateItems: 20,
  maxPatternLength: 100,
  maxCollectLength: 32,
  maxEntries: 50,
  minTimeoutMs: 500,
  maxTimeoutMs: 60_000,
  maxRetries: 5,
} as const;

/** Shape of node ids and flow ids: letters, digits, `_` and `-`, starting with a letter. */
export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Shape of variable and attribute names (usable in templates as `{{vars.name}}`). */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Shape of queue codes (`pre-sales`), as routing knows them. */
export const QUEUE_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** A number the trunk can dial: digits with an optional leading `+`. */
export const DIALABLE_NUMBER = /^\+?[0-9]{3,20}$/;

/** `Object.hasOwn` for records built from JSON, so `constructor` or `toString` never resolve. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
