/**
 * The live-call API in one process for tests: the real HTTP server (`startTestServer`, SQLite,
 * demo shop) with the contact flow, the real-time hub, call records and the call actions mounted;
 * call control on the in-memory SIP wire with scripted phones for the trunk, agents and the
 * supervisor (calls/test-peers); the voice context with the demo hotline flow, prompts that "play"
 * for a fixed time, and the live-call index fed by its facts. Everything timed runs on one
 * stepping virtual clock; HTTP requests that wait for SIP are driven with {@link request}.
 */
import { tmpdir } from 'node:os';
import type { Kysely } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { createFlowRegistry, demoShopFlow } from '@switchboard/ivr';
import { reject, type DomainEvent, type TenantId } from '@switchboard/kernel';
import { InMemoryMedia } from '../calls';
import {
  agentPhones,
  B2BUA,
  b2buaOnWire,
  trunkPhone,
  type AgentPhoneOptions,
} from '../calls/test-peers/call-harness';
import { SipWire } from '../calls/test-peers/sip-wire';
import { SteppingClock } from '../calls/test-peers/stepping-clock';
import type { TestPhone } from '../calls/test-peers/test-phone';
import { createContactFlow, type ContactFlow } from '../contact-flow/contact-flow';
import { createCustomers } from '../customers/customers';
import { seedDemoCustomers } from '../customers/seed-demo-customers';
import { contactCenterRoutes, createRealtime, type Realtime } from '../realtime/realtime';
import { CallRecordings, recordingsRoot, type RecordedCall } from '../recordings/call-recordings';
import { RecordingRepository } from '../recordings/recording-repository';
import type { RecordingsTables } from '../recordings/recordings-tables';
import { QueuePolicyRepository } from '../routing-config/queue-policy-repository';
import type { QueuePolicyTables } from '../routing-config/queue-policy-tables';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { RoutingConfigTables } from '../routing-config/routing-config-tables';
import { EventStore } from '../store';
import { screenPopProfiles } from '../voice/caller-profiles';
import { LiveCallIndex } from '../voice/live-call-index';
import { ALWAYS_OPEN, tableEntryPoints, tableQueues } from '../voice/table-directories';
import { TrackedMedia } from '../voice/tracked-media';
import { createVoice, type Voice } from '../voice/voice';
import type { PromptPlayer, PromptSource, VoicemailStore } from '../voice/voice-ports';
import { startTestServer, type TestServer } from '../../test/support/test-server';
import { createCallActions, type CallActions, type CallActionsOptions } from './call-actions';

/** Monday 2026-11-23 10:00 in Shanghai: the demo hotline is open. */
export const T0 = Date.UTC(2026, 10, 23, 2, 0);
/** The customer number the trunk presents: a known customer of the demo shop (陈小明). */
export const CALLER = '13800138000';

/** Options of {@link callActionsRig}. */
export interface CallActionsRigOptions {
  /** Phones by username (agent1…agent5, supervisor); default agents 1–3 and the supervisor. */
  readonly phones?: Readonly<Record<string, AgentPhoneOptions>>;
  /** Ports to use instead of the defaults (trunks, recording pause…). */
  readonly ports?: Pick<CallActionsOptions, 'trunks' | 'recordingSwitch' | 'monitoring' | 'conference'>;
}

/** A pushed message a subscriber received. */
export interface Pushed {
  readonly userId: string;
  readonly name?: string;
  readonly data?: Record<string, unknown>;
}

/** Builds the rig; call `close()` after the test. */
export async function callActionsRig(options: CallActionsRigOptions = {}) {
  const clock = new SteppingClock(T0);
  let parts:
    | {
        flow: ContactFlow;
        realtime: Realtime;
        voice: Voice;
        actions: CallActions;
        store: EventStore;
        tenantId: TenantId;
      }
    | undefined;
  let control: ReturnType<typeof b2buaOnWire> | undefined;
  const index = new LiveCallIndex();
  const wire = new SipWire(clock);
  const phones = agentPhones(
    wire,
    clock,
    options.phones ?? { agent1: {}, agent2: {}, agent3: {}, supervisor: {} },
  );
  const userIds = new Map<string, string>();
  const server: TestServer = await startTestServer({
    clock: { now: () => clock.now(), advance: () => undefined },
    async mount({ database, identity, ids, logger, demoTenantId }) {
      const tenantId = demoTenantId!;
      await seedDemoCustomers({ database, ids, clock });
      for (const u of await identity.users.list(tenantId)) userIds.set(u.username, u.id);
      const store = new EventStore(database, { clock });
      const routingConfig = new RoutingConfigRepository(database.db as Kysely<RoutingConfigTables>);
      const customers = createCustomers({ database });
      const texts = new Map<string, string>();
      const prompts: PromptSource = {
        async audioFor(_tenant, p) {
          const path = `/prompts/${texts.size + 1}.wav`;
          texts.set(path, p.text ?? p.file ?? '');
          return { path, durationMs: 1000 };
        },
      };
      const player: PromptPlayer = {
        play(_legId, audio, onEnd) {
          const handle = clock.set(audio.durationMs, () => onEnd('completed'));
          return { stop: () => clock.clear(handle) };
        },
      };
      const media = new TrackedMedia(new InMemoryMedia());
      const devices = {
        async targetsFor(_tenant: TenantId, userId: string) {
          const name = [...userIds].find(([, id]) => id === userId)?.[0];
          const phone = name === undefined ? undefined : phones[name];
          return phone === undefined
            ? []
            : [
                {
                  uri: `sip:phone@${phone.host}:${phone.port}`,
                  destination: { host: phone.host, port: phone.port },
                },
              ];
        },
      };
      // Bridged calls are indexed as recordings (the in-memory media writes no audio).
      const recordings = new CallRecordings({
        repository: new RecordingRepository(database.db as Kysely<RecordingsTables>),
        root: recordingsRoot(tmpdir()),
        clock,
        ids,
        logger,
      });
      const recording = { recordingPathFor: (call: RecordedCall) => recordings.begin(call) };
      const noVoicemails: VoicemailStore = {
        keep: () => Promise.reject(new Error('no voicemail in this rig')),
        discard: () => Promise.resolve(),
        find: () => Promise.resolve(undefined),
      };
      const voice = createVoice({
        // The index sees the voice context's facts on their way to the store.
        store: index.observe(store),
        clock,
        timers: clock,
        ids,
        logger,
        flows: createFlowRegistry([demoShopFlow]),
        entryPoints: tableEntryPoints({
          repository: routingConfig,
          calendars: ALWAYS_OPEN,
          clock,
          defaultFlowId: 'demo-shop',
        }),
        queues: tableQueues(
          routingConfig,
          new QueuePolicyRepository(database.db as Kysely<QueuePolicyTables>),
        ),
        profiles: screenPopProfiles(customers.screenPops),
        lookups: customers.lookups,
        devices,
        prompts,
        player,
        music: media.holdMusic(),
        voicemail: {
          record: () => ({
            stop: () => undefined,
            finished: Promise.resolve(reject('VOICE.VOICEMAIL_UNAVAILABLE', 'no voicemail in this rig')),
          }),
        },
        voicemailStore: noVoicemails,
        signals: {
          beep: async () => ({ path: '/signals/beep.wav', durationMs: 400 }),
          voicemailTail: async () => ({ path: '/signals/silence.wav', durationMs: 1500 }),
        },
        recording,
      });
      const realtime = createRealtime({ database, identity, clock, timers: clock, logger });
      const actions = createCallActions({
        calls: index,
        devices,
        store,
        publisher: realtime.callEvents,
        identity,
        clock,
        ids,
        logger,
        recording,
        ...options.ports,
      });
      const flow = createContactFlow({
        database,
        identity,
        clock,
        timers: clock,
        ids,
        logger,
        listener: realtime.listener,
        telephony: actions.telephony(voice.telephony),
        store,
        queueDefaults: {
          ringTimeoutSeconds: 15,
          wrapUp: { seconds: 30, maxExtensionSeconds: 60, autoReady: true },
        },
        invariantCheckMs: 3_600_000,
      });
      control = b2buaOnWire(wire, clock, { media, inbound: voice.inbound });
      // The index first: the call actions read who is on a call as the events come in.
      control.onEvent((e) => index.onCallEvent(e));
      voice.attach(control, flow.contacts);
      actions.attach(control, flow);
      await flow.start();
      parts = { flow, realtime, voice, actions, store, tenantId };
      return {
        routes: {
          async registerRoutes(app) {
            await contactCenterRoutes(flow, realtime).registerRoutes(app);
            await actions.registerRoutes(app);
          },
        },
        async stop() {
          realtime.stop();
          await flow.stop();
        },
      };
    },
  });
  const { flow, realtime, voice, actions, store, tenantId } = parts!;
  const trunk = trunkPhone(wire, clock);
  const cookies = new Map<string, string>();
  const passwords: Record<string, string> = { supervisor: 'demo-supervisor', admin: 'demo-admin' };
  for (const name of ['agent1', 'agent2', 'agent3', 'supervisor', 'admin'])
    cookies.set(name, await server.login(name, passwords[name] ?? 'demo-agent'));

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await (await flow.host.tenant(tenantId)).settle();
      await voice.journal.settle();
      await actions.settle();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  /** Moves virtual time in small steps, letting database work and promises finish between them. */
  const advance = async (ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= 100) {
      await clock.run(Math.min(100, left));
      await settle();
    }
  };
  /** Messages pushed over `/api/v1/events`, per subscribed user. */
  const pushed: Pushed[] = [];
  const subscribe = (name: string, scope: 'agent' | 'tenant') => {
    const userId = userIds.get(name)!;
    realtime.hub.subscribe(tenantId, {
      scope,
      userId,
      connection: {
        send: () => undefined,
        sendText: (text: string) => {
          const m = JSON.parse(text) as { type: string; name?: string; data?: Record<string, unknown> };
          if (m.type === 'event') pushed.push({ userId, name: m.name!, data: m.data! });
        },
      },
    });
  };

  /**
   * An HTTP request as `who` (a username, or a cookie), letting virtual time run until it is
   * answered: actions that wait for SIP (a re-INVITE's answer) need the wire to move.
   */
  const request = async (
    who: string,
    method: 'GET' | 'POST',
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse> => {
    let answered = false;
    const pending = server.app
      .inject({ method, url, headers: { cookie: cookies.get(who) ?? who }, ...(payload ? { payload } : {}) })
      .finally(() => {
        answered = true;
      });
    for (let i = 0; i < 100 && !answered; i++) await advance(20);
    const res = await pending;
    // What the answer started on the wire (a BYE, a CANCEL) lands before the test looks.
    await advance(100);
    return res;
  };

  return {
    server,
    clock,
    tenantId,
    flow,
    voice,
    actions,
    index,
    store,
    trunk,
    phones: phones as Record<string, TestPhone>,
    control: control!,
    advance,
    settle,
    request,
    pushed,
    subscribe,
    userId: (name: string) => userIds.get(name)!,
    /** Logs a named agent in to routing, ready. */
    async logIn(name: string) {
      const res = await request(name, 'POST', '/api/v1/agent/login', { ready: true });
      if (res.statusCode !== 200) throw new Error(`login of ${name}: ${res.body}`);
    },
    async agentStatus(name: string) {
      const host = await flow.host.tenant(tenantId);
      const r = await host.query((e) => e.agentStatus(userIds.get(name)!));
      return r.ok ? r.value : undefined;
    },
    /** Routing's status of a contact (`connected`, `held`…), undefined once it ended. */
    async contactStatus(contactId: string) {
      const host = await flow.host.tenant(tenantId);
      const r = await host.query((e) => e.contact(contactId)?.status);
      return r.ok ? r.value : undefined;
    },
    async agentReason(name: string) {
      const host = await flow.host.tenant(tenantId);
      const r = await host.query((e) => e.agentState(userIds.get(name)!)?.channels[0]?.reason ?? null);
      return r.ok ? r.value : undefined;
    },
    /**
     * A customer calls the hotline, chooses 2 (pre-sales) and is answered by the first ready
     * pre-sales agent; resolves with the call's contact id once it is bridged.
     */
    async callAnsweredBy(name: string, from = CALLER): Promise<string> {
      await trunk.dial(`sip:4008001234@${B2BUA.host}`, B2BUA, from);
      await advance(3000);
      trunk.sendDigit('2');
      await advance(3000);
      const call = index.ofAgent(tenantId, userIds.get(name)!)[0];
      if (call === undefined) throw new Error(`no call reached ${name}`);
      return call.contactId;
    },
    /** Every stored event of the call's contact stream, in order. */
    async contactEvents(contactId: string): Promise<DomainEvent[]> {
      return store.readStream(`contact-${contactId}`);
    },
    async close() {
      await server.close();
    },
  };
}

/** What {@link callActionsRig} returns. */
export type CallActionsRig = Awaited<ReturnType<typeof callActionsRig>>;
