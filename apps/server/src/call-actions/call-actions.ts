/**
 * The live-call actions wired together: agents' call controls, supervisors' actions, the desk for
 * transfers to queues and the followers of transfers and supervisor legs. Routing needs the
 * telephony port when it is built (the desk wraps the voice context's), and the actions need call
 * control and routing: so {@link createCallActions} gives the port first and
 * {@link CallActions.attach} completes the wiring, as the voice context does.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock, IdGenerator } from '@switchboard/kernel';
import type { CallControl } from '../calls';
import type { ContactFlow } from '../contact-flow/contact-flow';
import type { TelephonyPort } from '../contact-flow/telephony-port';
import type { IdentityServices } from '../identity/identity';
import type { EventStore } from '../store';
import type { AgentDevices, CallRecordingPolicy } from '../voice/voice-ports';
import { CallActionJournal, type CallEventPublisher } from './call-action-journal';
import {
  NO_OUTBOUND_TRUNKS,
  NO_RECORDING_SWITCH,
  type ConferenceControl,
  type MonitorControl,
  type OutboundTrunks,
  type RecordingSwitch,
} from './call-action-ports';
import { callActionRoutes } from './call-action-routes';
import { CallActionRunner, type CallActionDeps } from './call-action-runner';
import { CallActionService } from './call-action-service';
import { callControlConference, callControlMonitoring } from './call-control-mixing';
import { CallTargets } from './call-targets';
import { DirectCalls } from './direct-calls';
import type { LiveCalls } from './live-calls';
import { QueueTransferDesk } from './queue-transfer-desk';
import { SupervisorCallService } from './supervisor-call-service';
import { SupervisorMonitors } from './supervisor-monitors';
import { TransferActions } from './transfer-actions';
import { TransferTracker } from './transfer-tracker';

/** Default ring time of a transfer's or consultation's target: 20 s, as an offer rings. */
const DEFAULT_TARGET_RING_MS = 20_000;

/** What the call actions are built from. */
export interface CallActionsOptions {
  /** The live calls of this node (the voice context's index). */
  readonly calls: LiveCalls;
  /** Agents' and supervisors' registered devices. */
  readonly devices: AgentDevices;
  readonly store: Pick<EventStore, 'append'>;
  /** Where stored facts are pushed (the real-time context). */
  readonly publisher: CallEventPublisher;
  readonly identity: Pick<IdentityServices, 'users' | 'audit'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  readonly trunks?: OutboundTrunks;
  /** Supervisor modes and three-way calls; call control's mix commands by default. */
  readonly monitoring?: MonitorControl;
  readonly conference?: ConferenceControl;
  readonly recordingSwitch?: RecordingSwitch;
  /** Where calls bridged again after a transfer to a queue are recorded. */
  readonly recording?: CallRecordingPolicy;
  readonly targetRingMs?: number;
}

/** The running context. */
export interface CallActions {
  /** Routing's device requests: transfers' queue contacts here, the rest to `inner`. */
  telephony(inner: TelephonyPort): TelephonyPort;
  /** Completes the wiring and follows call events; returns the unsubscribe function. */
  attach(
    control: Pick<CallControl, 'execute' | 'leg' | 'onEvent'>,
    flow: Pick<ContactFlow, 'host' | 'contacts'>,
  ): () => void;
  /** Registers `/api/v1/calls/live` and `/api/v1/calls/:contactId/*`. */
  registerRoutes(app: FastifyInstance): Promise<void>;
  /** Resolves when every fact recorded so far is stored (tests, shutdown). */
  settle(): Promise<void>;
  /** What is followed, for leak checks: all zero once every call is over. */
  activity(): { transfers: number; queueTransfers: number; monitors: number };
}

/** Builds the context; nothing acts until `attach`. */
export function createCallActions(o: CallActionsOptions): CallActions {
  let control: Pick<CallControl, 'execute' | 'leg' | 'onEvent'> | undefined;
  let flow: Pick<ContactFlow, 'host' | 'contacts'> | undefined;
  const need = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error('call actions used before attach()');
    return x;
  };
  const commands: Pick<CallControl, 'execute' | 'leg'> = {
    execute: (c) => need(control).execute(c),
    leg: (id) => need(control).leg(id),
  };
  const host = () => need(flow).host;
  const contacts = () => need(flow).contacts;
  const journal = new CallActionJournal(o.store, o.publisher, o.ids, o.logger);
  const monitoring = o.monitoring ?? callControlMonitoring(commands);
  const targets = new CallTargets({
    users: o.identity.users,
    devices: o.devices,
    trunks: o.trunks ?? NO_OUTBOUND_TRUNKS,
    ringTimeoutMs: o.targetRingMs ?? DEFAULT_TARGET_RING_MS,
  });
  const direct = new DirectCalls({ tenant: (t) => host().tenant(t) }, o.ids, o.logger);
  const desk = new QueueTransferDesk({
    control: commands,
    contacts,
    calls: o.calls,
    devices: o.devices,
    journal,
    clock: o.clock,
    ids: o.ids,
    logger: o.logger,
    ...(o.recording === undefined ? {} : { recording: o.recording }),
  });
  const tracker = new TransferTracker({
    control: commands,
    calls: o.calls,
    journal,
    direct,
    desk,
    clock: o.clock,
    logger: o.logger,
  });
  const monitors = new SupervisorMonitors({
    control: commands,
    monitoring,
    journal,
    clock: o.clock,
    logger: o.logger,
  });
  const deps: CallActionDeps = {
    control: commands,
    calls: o.calls,
    targets,
    direct,
    tracker,
    desk,
    monitors,
    recording: o.recordingSwitch ?? NO_RECORDING_SWITCH,
    conference: o.conference ?? callControlConference(commands),
    journal,
    host,
    contacts,
    audit: o.identity.audit,
    clock: o.clock,
    ids: o.ids,
    logger: o.logger,
  };
  const runner = new CallActionRunner(deps);
  const actions = new CallActionService(deps, runner);
  const transfers = new TransferActions(deps, runner);
  const supervisors = new SupervisorCallService({
    control: commands,
    calls: o.calls,
    targets,
    monitors,
    monitoring,
    journal,
    runner,
    transfers,
    audit: o.identity.audit,
    clock: o.clock,
  });
  return {
    telephony: (inner) => desk.telephony(inner),
    attach(callControl, contactFlow) {
      control = callControl;
      flow = contactFlow;
      return callControl.onEvent((event) => {
        desk.onEvent(event);
        tracker.onEvent(event);
        monitors.onEvent(event);
      });
    },
    registerRoutes: async (app) => {
      await app.register(callActionRoutes, { actions, transfers, supervisors });
    },
    settle: () => journal.settle(),
    activity: () => ({ transfers: tracker.size, queueTransfers: desk.size, monitors: monitors.size }),
  };
}
