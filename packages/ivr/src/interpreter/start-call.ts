import type { FlowRegistry } from '../flow/flow-registry';
import type { Flow, Scalar } from '../flow/flow-types';
import type { IvrInput } from './ivr-input';
import type { StepContext } from './step-context';

type Started = Extract<IvrInput, { type: 'Started' }>;

/** Flows a call may reach at most, counting the main flow and nested subflows. */
const MAX_PINNED_FLOWS = 100;

/**
 * Pins the version of every subflow the call can reach (transitively) to the one latest now, so
 * that publishing later changes nothing for this call. Subflow nodes naming a `version` use it.
 */
export function pinSubflows(flow: Flow, flows: FlowRegistry): Record<string, number> {
  const pins: Record<string, number> = {};
  const seen = new Set<string>([`${flow.id}@${flow.version}`]);
  const todo: Flow[] = [flow];
  for (let f = todo.pop(); f !== undefined && seen.size <= MAX_PINNED_FLOWS; f = todo.pop()) {
    for (const node of Object.values(f.nodes)) {
      if (node.type !== 'subflow') continue;
      let version = node.version;
      if (version === undefined) {
        version = Object.prototype.hasOwnProperty.call(pins, node.flow)
          ? pins[node.flow]
          : flows.latestVersion(node.flow);
        if (version !== undefined) pins[node.flow] = version;
      }
      const sub = version === undefined ? undefined : flows.get(node.flow, version);
      if (sub && !seen.has(`${sub.id}@${sub.version}`)) {
        seen.add(`${sub.id}@${sub.version}`);
        todo.push(sub);
      }
    }
  }
  return pins;
}

/** Only scalar caller attributes reach conditions and templates. */
function cleanAttributes(attributes: Readonly<Record<string, unknown>>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(attributes ?? {})) {
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))
      out[k] = v;
  }
  return out;
}

/** Handles `Started`: binds the flow version, pins subflows and enters the start node. */
export function startCall(
  cx: StepContext,
  input: Started,
  flows: FlowRegistry,
  run: (next: string) => void,
): void {
  const offset = input.utcOffsetMinutes;
  cx.patch({
    phase: 'running',
    frames: [{ flowId: input.flowId, version: input.version, returnTo: null }],
    caller: cleanAttributes(input.caller),
    calendar: { open: input.calendar?.open === true, holiday: input.calendar?.holiday === true },
    utcOffsetMinutes: typeof offset === 'number' && Number.isFinite(offset) ? offset : 0,
  });
  const flow = flows.get(input.flowId, input.version);
  const number = cx.state.caller.number;
  const callerNumber = typeof number === 'string' ? number : null;
  const pins = flow ? pinSubflows(flow, flows) : {};
  cx.patch({ pins });
  cx.push({ type: 'IvrStarted', data: { flowId: input.flowId, version: input.version, callerNumber, pins } });
  if (!flow)
    return cx.end(
      'flow-error',
      `flow '${input.flowId}' version ${input.version} is not published`,
      'flow-error',
    );
  run(flow.start);
}
