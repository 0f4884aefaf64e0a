/**
 * The inbound voice path in one process for tests: call control on the in-memory SIP wire with
 * scripted phones (calls/test-peers), the real routing engine through contact-flow over a migrated
 * SQLite database seeded with the demo shop and its CRM, the demo hotline flow, and prompts that
 * "play" for a fixed time on the stepping virtual clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { createFlowRegistry, demoShopFlow, type Flow } from '@switchboard/ivr';
import { sequentialIds, type DomainEvent, type TenantId, type UserId } from '@switchboard/kernel';
import { recordingListener } from '../../test/support/routing-host-harness';
import { testHasher } from '../../test/support/test-hasher';
import { InMemoryMedia } from '../calls';
import { agentPhones, B2BUA, b2buaOnWire, trunkPhone } from '../calls/test-peers/call-harness';
import { SipWire } from '../calls/test-peers/sip-wire';
import { SteppingClock } from '../calls/test-peers/stepping-clock';
import type { TestPhoneOptions } from '../calls/test-peers/test-phone';
import { createContactFlow, type ContactFlow } from '../contact-flow/contact-flow';
import { createCustomers } from '../customers/customers';
import { seedDemoCustomers } from '../customers/seed-demo-customers';
import { seedDemoShop } from '../demo/seed-demo-shop';
import { AuditLog } from '../identity/audit-log';
import type { IdentityTables } from '../identity/identity-tables';
import { UserRepository } from '../identity/user-repository';
import { serverMigrations } from '../migrations';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { RoutingConfigTables } from '../routing-config/routing-config-tables';
import { EventStore, migrate, openDatabase } from '../store';
import { screenPopProfiles } from './caller-profiles';
import { ALWAYS_OPEN, tableEntryPoints, tableQueues, type BusinessCalendar } from './table-directories';
import { TrackedMedia } from './tracked-media';
import { createVoice, type Voice } from './voice';
import type { OfferedScreenPop, PromptPlayer, PromptSource, VoicemailRequest } from './voice-ports';

export const T0 = Date.UTC(2026, 10, 23, 2, 0);
/** Every prompt plays this long. */
export const PROMPT_MS = 1000;

/** Options of {@link voiceRig}. */
export interface VoiceRigOptions {
  readonly agents?: Readonly<Record<string, Omit<TestPhoneOptions, 'host'>>>;
  readonly calendar?: BusinessCalendar;
  readonly flows?: readonly Flow[];
}

/** Builds the rig; call `close()` after the test. */
export async function voiceRig(options: VoiceRigOptions = {}) {
  const clock = new SteppingClock(T0);
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
  const texts = new Map<string, string>();
  const prompts: PromptSource = {
    async audioFor(_tenant, p) {
      const path = `/prompts/${texts.size + 1}.wav`;
      texts.set(path, p.text ?? p.file ?? '');
      return { path, durationMs: PROMPT_MS };
    },
  };
  const player: PromptPlayer = {
    play(legId, audio, onEnd) {
      played.push({ legId, text: texts.get(audio.path) ?? '' });
      const handle = clock.set(audio.durationMs, () => onEnd('completed'));
      return { stop: () => clock.clear(handle) };
    },
  };
  const voicemails: VoicemailRequest[] = [];
  const screenPops: OfferedScreenPop[] = [];
  const inMemoryMedia = new InMemoryMedia();
  const media = new TrackedMedia(inMemoryMedia);
  const voice: Voice = createVoice({
    store,
    clock,
    timers: clock,
    ids,
    logger,
    flows: createFlowRegistry(options.flows ?? [demoShopFlow]),
    entryPoints: tableEntryPoints({
      repository: routingConfig,
      calendar: options.calendar ?? ALWAYS_OPEN,
      clock,
      defaultFlowId: 'demo-shop',
    }),
    queues: tableQueues(routingConfig),
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
    music: media.holdMusic(),
    voicemail: {
      async record(request) {
        voicemails.push(request);
        return { ok: true, value: { path: `/voicemail/${request.contactId}.wav`, durationMs: 5000 } };
      },
    },
    recording: { recordingPathFor: async (call) => `/recordings/${call.tenantId}/${call.contactId}.wav` },
    screenPops: { publish: (pop) => screenPops.push(pop) },
  });
  const control = b2buaOnWire(wire, clock, { media, inbound: voice.inbound });
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
    listener: recordingListener(),
    telephony: voice.telephony,
    store,
    queueDefaults: {
      ringTimeoutSeconds: 15,
      wrapUp: { seconds: 30, maxExtensionSeconds: 60, autoReady: true },
    },
    invariantCheckMs: 3_600_000,
  });
  voice.attach(control, flow.contacts);
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
  const host = () => flow.host.tenant(tenantId);
  return {
    clock,
    tenantId,
    voice,
    control,
    media,
    trunk,
    agentPhones: phones,
    played,
    voicemails,
    /** Screen pops pushed to rung agents, in order. */
    screenPops,
    /** Files the media layer was asked to record bridged calls to. */
    recordingPaths: inMemoryMedia.recordingPaths,
    store,
    advance,
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
