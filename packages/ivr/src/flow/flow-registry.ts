import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import { IvrCode } from '../ivr-codes';
import type { Flow } from './flow-types';

/**
 * Published flows by id and version. The interpreter asks it for the flow of the running frame on
 * every step, by the version pinned when the call started, so publishing a new version changes
 * nothing for calls already running. Implementations must return the same object for the same id
 * and version for as long as calls may use it.
 */
export interface FlowRegistry {
  get(flowId: string, version: number): Flow | undefined;
  /** Version new calls should use, or undefined when the flow was never published. */
  latestVersion(flowId: string): number | undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A registry that also publishes; what the server and tests hold. */
export interface PublishingFlowRegistry extends FlowRegistry {
  /** Adds a validated flow version; an id and version already published is refused. */
  publish(flow: Flow): Result<Flow, Rejection>;
}

/**
 * An in-memory registry of validated flows (run `validateFlow` first). It keeps frozen copies, so
 * a caller editing its object afterwards cannot change a published version.
 */
export function createFlowRegistry(flows: Iterable<Flow> = []): PublishingFlowRegistry {
  const byKey = new Map<string, Flow>();
  const latest = new Map<string, number>();
  const publish = (flow: Flow): Result<Flow, Rejection> => {
    const key = `${flow.id}@${flow.version}`;
    if (byKey.has(key)) {
      return reject(
        IvrCode.FlowVersionExists,
        `flow '${flow.id}' version ${flow.version} is already published`,
        {
          flowId: flow.id,
          version: flow.version,
        },
      );
    }
    const copy = deepFreeze(JSON.parse(JSON.stringify(flow)) as Flow);
    byKey.set(key, copy);
    latest.set(flow.id, Math.max(latest.get(flow.id) ?? 0, flow.version));
    return ok(copy);
  };
  for (const f of flows) {
    // Initial flows come from code or storage; a duplicate there is a bug, not a user error.
    if (!publish(f).ok) throw new Error(`duplicate flow ${f.id}@${f.version}`);
  }
  return {
    publish,
    get: (flowId, version) => byKey.get(`${flowId}@${version}`),
    latestVersion: (flowId) => latest.get(flowId),
  };
}
