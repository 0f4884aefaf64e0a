/**
 * The inbound voice path in one process for tests: call control on the in-memory SIP wire with
 * scripted phones (calls/test-peers), the real routing engine through contact-flow over a migrated
 * SQLite database seeded with the demo shop, its CRM, hotline calendar and queue policies, the
 * statistics projection behind the queue announcements, the demo hotline flow, prompts that "play"
 * for a fixed time on the stepping virtual clock, voicemails filed in the real recordings store,
 * and a customer phone that callbacks reach through a stand-in outbound dialer.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { createFlowRegistry, demoShopFlow, type Flow } from '@switchboard/ivr';
import { encodeWav } from '@switchboard/media';
import { ok, sequentialIds, type DomainEvent, type TenantId, type UserId } from '@switchboard/kernel';
import { recordingListener } from '../../test/support/routing-host-harness';
import { testHasher } from '../../test/support/test-hasher';
import { InMemoryMedia } from '../calls';
import { agentPhones, B2BUA, b2buaOnWire, trunkPhone } from '../calls/test-peers/call-harness';
import { SipWire } from '../calls/test-peers/sip-wire';
import { SteppingClock } from '../calls/test-peers/stepping-clock';
import { TestPhone, type TestPhoneOptions } from '../calls/test-peers/test-phone';
import { createContactFlow, type ContactFlow } from '../contact-flow/contact-flow';
import { createCustomers } from '../customers/customers';
import { seedDemoCustomers } from '../customers/seed-demo-customers';
import { seedDemoShop } from '../demo/seed-demo-shop';
import { AuditLog } from '../identity/audit-log';
import type { IdentityTables } from '../identity/identity-tables';
import { UserRepository } from '../identity/user-repository';
import { serverMigrations } from '../migrations';
import { StatisticsProjection } from '../realtime/statistics-projection';
import { CallRecordings, recordingsRoot } from '../recordings/call-recordings';
import { RecordingRepository } from '../recordings/recording-repository';
import type { RecordingsTables } from '../recordings/recordings-tables';
import { BusinessCalendarRepository } from '../routing-config/business-calendar-repository';
import type { BusinessCalendarTables } from '../routing-config/business-calendar-tables';
import { QueuePolicyRepository } from '../routing-config/queue-policy-repository';
import type { QueuePolicyTables } from '../routing-config/queue-policy-tables';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { RoutingConfigTables } from '../routing-config/routing-config-tables';
import { EventStore, migrate, openDatabase } from '../store';
import { screenPopProfiles } from './caller-profiles';
import { recordingsVoicemailStore } from './recordings-voicemail-store';
import { routingQueueStandings } from './routing-queue-standings';
import { tableCalendars, tableEntryPoints, tableQueues } from './table-directories';
import { TrackedMedia } from './tracked-media';
import type { InboundCall } from './voice-calls';
import { VOICEMAIL_TAIL_MS } from './voicemail-listening';
import { createVoice, type Voice } from './voice';
import type {
  CalendarSource,
  HoldMusic,
  OfferedScreenPop,
  PromptPlayer,
  PromptSource,
  VoicemailEnd,
  VoicemailMessage,
  VoicemailRequest,
} from './voice-ports';
import { pollUntil } from '../../test/support/poll-until';

/** Monday 2026-11-23 10:00 in Shanghai: the demo hotline is open. */
export const T0 = Date.UTC(2026, 10, 23, 2, 0);
/** The same Monday at 22:00 in Shanghai: the demo hotline is closed. */
export const AFTER_HOURS = Date.UTC(2026, 10, 23, 14, 0);
/** Every prompt plays this long. */
export const PROMPT_MS = 1000;
/** Where the customer phone that callbacks reach listens. */
export const CUSTOMER_HOST = '198.51.100.20';

/** {@link Voice.activity} once every call is over. */
export const IDLE = {
  calls: 0,
  ivrSessions: 0,
  ivrOutstanding: 0,
  ivrParked: 0,
  agentLegs: 0,
  waiting: 0,
  voicemails: 0,
  owedLegs: 0,
} as const;

/** What the caller says into a voicemail in the rig. */
export interface RigVoicemail {
  /** Recorded length; the recording takes this long on the virtual clock unless `#` ends it. */
  readonly durationMs: number;
  readonly voicedMs: number;
}

/** Options of {@link voiceRig}. */
export interface VoiceRigOptions {
  readonly agents?: Readonly<Record<string, Omit<TestPhoneOptions, 'host'>>>;
  /** Calendars of entry points; default the tables (the demo hotline: 09:00–21:00 Shanghai). */
  readonly calendars?: CalendarSource;
  readonly flows?: readonly Flow[];
  /** Virtual time at start; default {@link T0}. */
  readonly startAt?: number;
  /** What callers leave in voicemail; default 5 s with 4 s of speech. */
  readonly voicemail?: RigVoicemail;
  /** The phone callbacks dial; default answers at once. */
  readonly customer?: Omit<TestPhoneOptions, 'host'>;
}

/** One thing a leg heard, in order: music switched on or off, or a prompt. */
export interface HeardSound {
  readonly at: number;
  readonly legId: string;
  readonly sound: 'music-on' | 'music-off' | 'prompt';
  readonly text?: string;
}

/** Builds the rig; call `close()` after the test. */
export async function voiceRig(options: VoiceRigOptions = {}) {
  const clock = new SteppingClock(options.startAt ?? T0);
  const ids = sequentialIds('id');
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-voice-'));
  const database = await openDatabase({ dataDir });
  await migrate(database, serverMigrations);
  const { tenantId } = await seedDemoShop({ database, hasher: testHasher, ids, clock });
  await seedDemoCustomers({ database, ids, clock });
  const store = new EventStore(database, { clock });
  const logger = pino({ level: 'silent' });
  const routingConfig = new RoutingConfigRepository(database.db as Kysely<RoutingConfigTables>);
  const customers = createCustomers({ database });
  const wire = new SipWire(clock);
  const phones = agentPhones(wire, clock, options.agents ?? {});
  const userIds = new Map<string, string>();
  const users = new UserRepository(database.db as Kysely<IdentityTables>);
  for (const name of Object.keys(phones))
    userIds.set(name, (await users.findForLogin(tenantId, name))!.user.id);
  const played: { legId: string; text: string }[] = [];
  const heard: HeardSound[] = [];
  const texts = new Map<string, string>([
    ['/signals/beep.wav', '<beep>'],
    ['/signals/silence.wav', '<silence>'],
  ]);
  const prompts: PromptSource = {
    async audioFor(_tenant, p) {
      const path = `/prompts/${texts.size + 1}.wav`;
      texts.set(path, p.text ?? p.file ?? '');
      return { path, durationMs: PROMPT_MS };
    },
  };
  const player: PromptPlayer = {
    play(legId, audio, onEnd) {
      const text = texts.get(audio.path) ?? audio.path;
      played.push({ legId, text });
      heard.push({ at: clock.now(), legId, sound: 'prompt', text });
      const handle = clock.set(audio.durationMs, () => onEnd('completed'));
      return { stop: () => clock.clear(handle) };
    },
  };
  const voicemails: VoicemailRequest[] = [];
  const screenPops: OfferedScreenPop[] = [];
  const inMemoryMedia = new InMemoryMedia();
  const media = new TrackedMedia(inMemoryMedia);
  const mediaMusic = media.holdMusic();
  const music: HoldMusic = {
    start(legId) {
      heard.push({ at: clock.now(), legId, sound: 'music-on' });
      mediaMusic.start(legId);
    },
    stop(legId) {
      heard.push({ at: clock.now(), legId, sound: 'music-off' });
      mediaMusic.stop(legId);
    },
  };
  const recordingIndex = new RecordingRepository(database.db as Kysely<RecordingsTables>);
  const recordings = new CallRecordings({
    repository: recordingIndex,
    root: recordingsRoot(dataDir),
    clock,
    ids,
    logger,
  });
  const said: RigVoicemail = options.voicemail ?? { durationMs: 5000, voicedMs: 4000 };
  const workDir = join(dataDir, 'voicemail-work');
  mkdirSync(workDir, { recursive: true });
  /** A real (silent) mono WAV of the message's length, as the RTP recorder would leave it. */
  const message = (
    request: VoicemailRequest,
    durationMs: number,
    endedBy: VoicemailEnd,
  ): VoicemailMessage => {
    const path = join(workDir, `${request.contactId}.wav`);
    writeFileSync(
      path,
      encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, new Uint8Array(durationMs * 16)),
    );
    return { path, durationMs, voicedMs: Math.min(said.voicedMs, durationMs), endedBy };
  };
  const customer = new TestPhone(wire, clock, { host: CUSTOMER_HOST, seed: 99, ...options.customer });
  const dialed: string[] = [];
  const voice: Voice = createVoice({
    store,
    clock,
    timers: clock,
    ids,
    logger,
    flows: createFlowRegistry(options.flows ?? [demoShopFlow]),
    entryPoints: tableEntryPoints({
      repository: routingConfig,
      calendars:
        options.calendars ??
        tableCalendars(new BusinessCalendarRepository(database.db as Kysely<BusinessCalendarTables>)),
      clock,
      defaultFlowId: 'demo-shop',
    }),
    queues: tableQueues(routingConfig, new QueuePolicyRepository(database.db as Kysely<QueuePolicyTables>)),
    profiles: screenPopProfiles(customers.screenPops),
    lookups: customers.lookups,
    devices: {
      async targetsFor(_tenant, agentId) {
        const name = [...userIds].find(([, id]) => id === agentId)?.[0];
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
    },
    prompts,
    player,
    music,
    voicemail: {
      record(request) {
        voicemails.push(request);
        let stop: () => void = () => undefined;
        const finished = new Promise<VoicemailMessage>((resolve) => {
          const started = clock.now();
          const handle = clock.set(said.durationMs, () =>
            resolve(message(request, said.durationMs, 'silence')),
          );
          stop = () => {
            clock.clear(handle);
            resolve(message(request, clock.now() - started, 'key'));
          };
        }).then((m) => ok(m));
        return { stop: () => stop(), finished };
      },
    },
    voicemailStore: recordingsVoicemailStore(recordings, recordingIndex),
    signals: {
      beep: async () => ({ path: '/signals/beep.wav', durationMs: 400 }),
      voicemailTail: async () => ({ path: '/signals/silence.wav', durationMs: VOICEMAIL_TAIL_MS }),
    },
    dialer: {
      async route(_tenantId, number) {
        dialed.push(number);
        return ok({
          targets: [
            { uri: `sip:${number}@${CUSTOMER_HOST}`, destination: { host: CUSTOMER_HOST, port: 5060 } },
          ],
          callerId: { number: '4008001234' },
        });
      },
    },
    recording: { recordingPathFor: async (call) => `/recordings/${call.tenantId}/${call.contactId}.wav` },
    screenPops: { publish: (pop) => screenPops.push(pop) },
  });
  const control = b2buaOnWire(wire, clock, { media, inbound: voice.inbound });
  const projection = new StatisticsProjection(480);
  const events = recordingListener();
  const flow: ContactFlow = createContactFlow({
    database,
    identity: {
      users,
      audit: new AuditLog(database.db as Kysely<IdentityTables>, ids, () =>
        new Date(clock.now()).toISOString(),
      ),
    },
    clock,
    timers: clock,
    ids,
    logger,
    listener: {
      reset: (t) => {
        events.reset(t);
        projection.reset(t);
      },
      fold: (t, batch, live) => {
        events.fold(t, batch, live);
        projection.fold(t, batch, live);
      },
    },
    telephony: voice.telephony,
    store,
    queueDefaults: {
      ringTimeoutSeconds: 15,
      wrapUp: { seconds: 30, maxExtensionSeconds: 60, autoReady: true },
    },
    invariantCheckMs: 3_600_000,
  });
  voice.attach(control, flow.contacts, { standings: routingQueueStandings(flow.host, projection, clock) });
  await flow.start();
  const trunk = trunkPhone(wire, clock);

  /** Moves virtual time in small steps, letting database work and promises finish between them. */
  const advance = async (ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= 100) {
      await clock.run(Math.min(100, left));
      await settle();
    }
  };
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await (await flow.host.tenant(tenantId)).settle();
      await voice.journal.settle();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  /**
   * Lets real I/O the virtual clock does not drive (voicemail files moving into the recordings
   * store) finish: settles until `done` holds, failing after `timeoutMs` of real time.
   */
  const until = async (done: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> => {
    await pollUntil(
      async () => {
        await settle();
        return done();
      },
      { timeoutMs, what: 'the condition' },
    );
  };
  const host = () => flow.host.tenant(tenantId);
  return {
    clock,
    tenantId,
    /** The seeded database, for tests that change the tenant's configuration. */
    database,
    voice,
    control,
    media,
    trunk,
    agentPhones: phones,
    played,
    /** Music on/off and prompts per leg, in order. */
    heard,
    voicemails,
    /** The phone callbacks reach, and the numbers the dialer was asked for. */
    customer,
    dialed,
    recordingIndex,
    /** The real-time statistics the announcements' estimates come from. */
    projection,
    /** Screen pops pushed to rung agents, in order. */
    screenPops,
    /** Files the media layer was asked to record bridged calls to. */
    recordingPaths: inMemoryMedia.recordingPaths,
    store,
    advance,
    until,
    /** The routing id (user id) of a named agent. */
    agentId: (name: string) => userIds.get(name)!,
    /** Logs a named agent in, ready. */
    async logIn(name: string) {
      const userId = userIds.get(name)! as UserId;
      const principal = {
        tenantId,
        tenantSlug: 'demo',
        userId,
        username: name,
        displayName: name,
        roles: ['agent' as const],
        credential: { kind: 'session' as const, id: 's' },
      };
      const r = await flow.agents.logIn({ principal, ip: null, requestId: `login-${name}` }, { ready: true });
      if (!r.ok) throw new Error(r.error.message);
    },
    /** The trunk dials `number` from `from`. */
    dial: (number = '4008001234', from = '13800138000') =>
      trunk.dial(`sip:${number}@${B2BUA.host}`, B2BUA, from),
    /** The caller presses keys, one INFO each. */
    async press(keys: string) {
      for (const k of keys) {
        trunk.sendDigit(k);
        await advance(200);
      }
    },
    async agentStatus(name: string) {
      const r = await (await host()).query((e) => e.agentStatus(userIds.get(name)!));
      return r.ok ? r.value : undefined;
    },
    async contact(contactId: string) {
      const r = await (await host()).query((e) => e.contact(contactId));
      return r.ok ? r.value : undefined;
    },
    async invariants() {
      const r = await (await host()).query((e) => e.checkInvariants());
      return r.ok ? r.value : ['unreadable'];
    },
    async events(): Promise<DomainEvent[]> {
      return store.readAll({ limit: 10_000 });
    },
    /** Events of one contact's stream (`contact-<id>`), in order. */
    async contactEvents(contactId: string): Promise<DomainEvent[]> {
      return (await store.readAll({ limit: 10_000 })).filter(
        (e) => e.metadata.streamId === `contact-${contactId}`,
      );
    },
    /** The calls alive now, oldest first. */
    liveCalls(): { contactId: string; legId: string }[] {
      const calls = (
        voice as unknown as { inbound: { o: { calls: { byContact: Map<string, InboundCall> } } } }
      ).inbound.o.calls.byContact;
      return [...calls.values()].map((c) => ({ contactId: c.contactId, legId: c.legId }));
    },
    async close() {
      await flow.stop();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What {@link voiceRig} returns. */
export type VoiceRig = Awaited<ReturnType<typeof voiceRig>>;
export type { TenantId };
