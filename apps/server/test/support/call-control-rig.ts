/**
 * B2BUA call control on a {@link SipTestStack}'s live transports, with in-memory media (real SDP
 * offer/answer, no RTP): tests originate and hang up through commands and wait for the events.
 */
import type { TenantId } from '@switchboard/kernel';
import {
  type CallControl,
  InMemoryMedia,
  type CallEvent,
  type InboundDecision,
  type LegId,
  type OriginateTarget,
} from '../../src/calls';
import { attachCallControl } from '../../src/telephony/attach-call-control';
import { uuidV7Ids } from '../../src/uuid-v7';
import { registrarAgentDevices } from '../../src/voice/registrar-agent-devices';
import type { SipTestStack } from './sip-test-stack';

export interface CallControlRig {
  readonly control: CallControl;
  readonly events: CallEvent[];
  /** The registered devices of a demo agent (`agent1` owns extension 1001), as routing rings them. */
  targetsOf(username: string): Promise<readonly OriginateTarget[]>;
  /** Originates to `targets` and returns the new leg. */
  originate(targets: readonly OriginateTarget[]): Promise<LegId>;
  /** Resolves with the first event of `type` for `legId` (any leg when undefined). */
  event<T extends CallEvent['type']>(
    type: T,
    legId?: LegId,
    timeoutMs?: number,
  ): Promise<Extract<CallEvent, { type: T }>>;
  /** Executes a command and throws when it is refused. */
  run(command: Parameters<CallControl['execute']>[0]): Promise<void>;
}

/** Attaches call control to `stack`; inbound calls get `inbound` (answered by default). */
export function callControlRig(
  stack: SipTestStack,
  inbound: () => InboundDecision = () => ({ action: 'answer' }),
): CallControlRig {
  const control = attachCallControl(stack.telephony, {
    media: new InMemoryMedia({ address: '127.0.0.1' }),
    inbound: { offer: inbound },
    ids: uuidV7Ids(stack.clock),
    clock: stack.clock,
  });
  const events: CallEvent[] = [];
  const listeners = new Set<() => void>();
  control.onEvent((e) => {
    events.push(e);
    for (const l of [...listeners]) l();
  });
  const devices = registrarAgentDevices(stack.telephony.registrar);
  const run = async (command: Parameters<CallControl['execute']>[0]): Promise<void> => {
    const r = await control.execute(command);
    if (!r.ok) throw new Error(`${command.type} refused: ${r.error.code} ${r.error.message}`);
  };
  return {
    control,
    events,
    run,
    async targetsOf(username) {
      const agent = await stack.agent(username);
      return devices.targetsFor(agent.tenantId as TenantId, agent.userId);
    },
    async originate(targets) {
      const r = await control.execute({
        type: 'Originate',
        request: { targets, callerId: { number: '4008001234' }, timeoutMs: 30_000 },
      });
      if (!r.ok || r.value.legId === undefined) throw new Error('Originate refused');
      return r.value.legId;
    },
    event(type, legId, timeoutMs = 10_000) {
      type Found = Extract<CallEvent, { type: typeof type }>;
      const find = (): Found | undefined =>
        events.find(
          (e): e is Found => e.type === type && (legId === undefined || ('legId' in e && e.legId === legId)),
        );
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = find();
          if (found === undefined) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${type} within ${timeoutMs} ms: ${events.map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}
