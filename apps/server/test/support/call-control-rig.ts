/**
 * B2BUA call control on a {@link SipTestStack}'s live transports, with in-memory media (real SDP
 * offer/answer, no RTP) unless told otherwise: tests originate and hang up through commands and
 * wait for the events.
 */
import type { TenantId } from '@switchboard/kernel';
import {
  type CallControl,
  InMemoryMedia,
  type CallEvent,
  type LegId,
  type OriginateTarget,
} from '../../src/calls';
import { attachCallControl, type AttachCallControlOptions } from '../../src/telephony/attach-call-control';
import { RoutingConfigRepository } from '../../src/routing-config/routing-config-repository';
import { InviteAdmission } from '../../src/telephony/trunks/invite-admission';
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
  /** The first event of `type` for `legId` (any leg when undefined) seen so far. */
  seen<T extends CallEvent['type']>(type: T, legId?: LegId): Extract<CallEvent, { type: T }> | undefined;
  /** Resolves with the first event of `type` for `legId` (any leg when undefined). */
  event<T extends CallEvent['type']>(
    type: T,
    legId?: LegId,
    timeoutMs?: number,
  ): Promise<Extract<CallEvent, { type: T }>>;
  /** Executes a command and throws when it is refused. */
  run(command: Parameters<CallControl['execute']>[0]): Promise<void>;
}

/**
 * What differs from the defaults: the media (in-memory by default), what inbound calls get
 * (answered by default), the admission gate (none), REFER targets, the rejoin grace period, the
 * overload guard (none).
 */
export type CallControlRigOptions = Partial<
  Pick<
    AttachCallControlOptions,
    'media' | 'inbound' | 'admission' | 'referTargets' | 'rejoinGraceMs' | 'overload'
  >
>;

/** Attaches call control to `stack`; see {@link CallControlRigOptions}. */
export function callControlRig(stack: SipTestStack, options: CallControlRigOptions = {}): CallControlRig {
  const control = attachCallControl(stack.telephony, {
    media: new InMemoryMedia({ address: '127.0.0.1' }),
    inbound: { offer: () => ({ action: 'answer' }) },
    ids: uuidV7Ids(stack.clock),
    clock: stack.clock,
    ...options,
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
  const seen = <T extends CallEvent['type']>(type: T, legId?: LegId) =>
    events.find(
      (e): e is Extract<CallEvent, { type: T }> =>
        e.type === type && (legId === undefined || ('legId' in e && e.legId === legId)),
    );
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
    seen,
    event(type, legId, timeoutMs = 10_000) {
      const find = () => seen(type, legId);
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

/**
 * The admission gate with no trunk: every new INVITE must prove an extension with digest (407),
 * as phones and browsers do.
 */
export function digestAdmission(stack: SipTestStack): NonNullable<AttachCallControlOptions['admission']> {
  const entryPoints = new RoutingConfigRepository(stack.database.db);
  const admission = new InviteAdmission({
    rules: () => [],
    numberOwner: async (dialed) => (await entryPoints.findEntryPointByNumber(dialed))?.tenantId,
    authenticator: stack.telephony.authenticator,
    onAuthFailure: () => undefined,
  });
  return { admit: (request, source) => admission.decide(request, source) };
}
