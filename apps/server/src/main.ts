/**
 * The composition root: reads the configuration, opens and migrates the database, seeds the demo
 * shop when asked, builds the HTTP server, starts listening and wires the orderly shutdown. It only
 * wires; behaviour lives in the context folders.
 */
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Clock, TenantId } from '@switchboard/kernel';
import { createCallActions } from './call-actions/call-actions';
import { mediaRecordingSwitch } from './call-actions/media-recording-switch';
import { registerMediaMetrics } from './media';
import { createContactFlow } from './contact-flow/contact-flow';
import { nodeTimers } from './contact-flow/deadline-timer';
import { formatConfigProblems, loadConfig, usage, type Config } from './config/config';
import { redactUrl } from './config/config-values';
import { seedDemoCustomers } from './customers/seed-demo-customers';
import { demoCredentialsBanner } from './demo/demo-shop';
import { seedDemoShop } from './demo/seed-demo-shop';
import { GracefulShutdown } from './http/graceful-shutdown';
import { Readiness } from './http/health';
import { createIdentity, type IdentityServices } from './identity/identity';
import { recordingsRoot } from './recordings/call-recordings';
import { registerRecordingMetrics } from './recordings/recording-metrics';
import { TenantRepository } from './identity/tenant-repository';
import { contactCenterRoutes, createRealtime } from './realtime/realtime';
import { serverMigrations } from './migrations';
import { buildServer } from './server';
import { migrate, openDatabase, type Database } from './store/database';
import { EventStore } from './store/event-store';
import {
  demoSipBanner,
  demoSipPhonesInUse,
  seedDemoSipCredentials,
} from './telephony/registrar/demo-sip-credentials';
import { cryptoRandom, nodeDigestHash } from './telephony/sip-node-ports';
import { attachCallControl } from './telephony/attach-call-control';
import { OverloadGuard } from './telephony/protection/overload-guard';
import { seedDemoTrunk } from './telephony/trunks/demo-trunk';
import { createTrunks } from './telephony/trunks/trunks';
import { RoutingConfigRepository } from './routing-config/routing-config-repository';
import { createTelephony } from './telephony/telephony';
import { databaseExtensions } from './telephony/registered-extensions';
import { tenantReferTargets } from './calls/refer-tenant-targets';
import { uuidV7Ids } from './uuid-v7';
import { createLiveVoice } from './voice/live-voice';
import { LiveCallIndex } from './voice/live-call-index';
import { registrarAgentDevices } from './voice/registrar-agent-devices';
import { routingQueueStandings } from './voice/routing-queue-standings';
import { trunkOutboundDialer } from './voice/trunk-outbound-dialer';

/** Exit code for an invalid configuration (as for a usage error). */
const EXIT_CONFIG = 2;

const systemClock: Clock = { now: () => Date.now() };

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return;
  }
  const loaded = loadConfig(argv, process.env, process.cwd());
  if (!loaded.ok) {
    console.error(formatConfigProblems(loaded.error));
    process.exitCode = EXIT_CONFIG;
    return;
  }
  const config = loaded.value;
  // Synchronous writes: log lines keep their order and the last ones survive process.exit().
  const logger = pino(
    { level: config.log.level, base: { service: 'switchboard' } },
    pino.destination({ dest: 1, sync: true }),
  );
  const readiness = new Readiness();
  const shutdown = new GracefulShutdown({
    readiness,
    logger,
    timeoutMs: config.http.shutdownTimeoutMs,
    exit: (code) => process.exit(code),
  });
  shutdown.listen();
  try {
    await start(config, logger, readiness, shutdown);
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    // Closes whatever was opened so far (the database), then exits 1.
    await shutdown.shutdown('start-up failed', true);
  }
}

async function start(
  config: Config,
  logger: Logger,
  readiness: Readiness,
  shutdown: GracefulShutdown,
): Promise<void> {
  const version = readVersion();
  logger.info(
    {
      version,
      http: config.http.host + ':' + config.http.port,
      sip: config.sip.host + ':' + config.sip.port,
      dataDir: config.db.dataDir,
      database: config.db.databaseUrl ? redactUrl(config.db.databaseUrl) : 'sqlite',
    },
    'starting',
  );
  const database = await openDatabase({
    dataDir: config.db.dataDir,
    ...(config.db.databaseUrl ? { databaseUrl: config.db.databaseUrl } : {}),
  });
  shutdown.add('database', () => database.close());
  await migrate(database, serverMigrations);
  const ids = uuidV7Ids(systemClock);
  const identity = await createIdentity({ database, auth: config.auth, clock: systemClock, ids, logger });
  const demoSeeded = await seedDemoIfWanted(config, database, identity, ids, logger);
  // Idempotent: also gives demo phones to a demo shop created before SIP credentials existed.
  const { realm } = config.sip;
  if (demoSeeded) await seedDemoSipCredentials({ database, realm, clock: systemClock, hash: nodeDigestHash });
  // Idempotent too: gives customers and orders to a demo shop created before the CRM tables existed.
  if (demoSeeded) await seedDemoCustomers({ database, ids, clock: systemClock });
  // Idempotent: the loopback trunk that lets sipp and phones on this host reach the demo hotline.
  if (demoSeeded) await seedDemoTrunk({ database, ids, clock: systemClock });
  const metricsRegistry = new Registry();
  const https = httpsFiles(config);
  const telephony = createTelephony({
    sip: config.sip,
    database,
    clock: systemClock,
    logger,
    metricsRegistry,
    // Over HTTPS, /sip is SIP over secure WebSocket and Vias say WSS (RFC 7118 §5).
    webSocketProtocol: https === undefined ? 'WS' : 'WSS',
  });
  const entryPoints = new RoutingConfigRepository(database.db);
  const trunks = createTrunks({
    database,
    clock: systemClock,
    timers: nodeTimers,
    random: cryptoRandom,
    hash: nodeDigestHash,
    logger,
    metricsRegistry,
    numberOwner: async (dialed) => (await entryPoints.findEntryPointByNumber(dialed))?.tenantId,
    authenticator: telephony.authenticator,
    onAuthFailure: (address) => telephony.protection.recordAuthFailure(address),
  });
  // A tenant's IP trunk carries a whole hotline from one address: never rate-limited or banned.
  telephony.protection.trustAlso((address) => trunks.isTrunkSource(address));
  // Routing restores every tenant from the event log before the API accepts agent actions.
  const realtime = createRealtime({
    database,
    identity,
    clock: systemClock,
    timers: nodeTimers,
    logger,
    allowedOrigins: config.http.allowedOrigins,
  });
  // One event log for routing and the voice context, so a call's events and its contact's interleave.
  const store = new EventStore(database, { clock: systemClock });
  // Which live call is which, for the call actions: learnt from the voice context's own facts.
  const liveCalls = new LiveCallIndex();
  const live = createLiveVoice({
    database,
    store: liveCalls.observe(store),
    dataDir: config.db.dataDir,
    clock: systemClock,
    timers: nodeTimers,
    ids,
    logger,
    registrar: telephony.registrar,
    rtp: { bindAddress: config.sip.host, minPort: config.media.rtpPortMin, maxPort: config.media.rtpPortMax },
    // A wildcard bind is not routable: unless told otherwise, advertise what SIP advertises.
    advertisedAddress: config.media.advertisedAddress ?? telephony.local.host.replace(/^\[|\]$/g, ''),
    screenPops: realtime.screenPops,
    mediaWorkers: config.media.workers,
    mediaRealtimePriority: config.media.realtimePriority,
    // Callbacks dial the customer through the tenant's trunk, with its caller-ID rules.
    dialer: trunkOutboundDialer(trunks),
    onRecordingOutcome: registerRecordingMetrics(metricsRegistry, recordingsRoot(config.db.dataDir)),
  });
  registerMediaMetrics(metricsRegistry, live.mediaCounts);
  shutdown.add('media', () => live.close());
  // Before any call can start a recording: repair what a crash left half-written.
  logger.info(await live.recordings.recover(), 'recordings recovered');
  const { answerTestNumber, answerTestRingMs, overloadLagMs = 0 } = config.sip;
  // A flood of calls (a TV spot's number on screen) is turned away at the door, not served late.
  const overload = new OverloadGuard({
    // Monotonic: a step of the wall clock is no lag.
    clock: { now: () => performance.now() },
    lagLimitMs: overloadLagMs,
    onChange: (shedding, lagMs) =>
      shedding
        ? logger.warn({ lagMs: Math.round(lagMs) }, 'overloaded: new calls are answered 503')
        : logger.info({ lagMs: Math.round(lagMs) }, 'overload over: new calls are taken again'),
  });
  const control = attachCallControl(telephony, {
    media: live.media,
    inbound: live.voice.inbound,
    ids,
    clock: systemClock,
    timers: nodeTimers,
    // New INVITEs come from a tenant's trunk or an extension proving itself with digest.
    admission: trunks,
    overload,
    // A phone's REFER: an extension of the call's tenant, else a number through its trunk.
    referTargets: tenantReferTargets({
      tenants: {
        tenantOf: (r) => liveCalls.tenantOfLeg(r.transfereeLegId) ?? liveCalls.tenantOfLeg(r.legId),
      },
      extensions: databaseExtensions(database, realm, telephony.registrar),
      trunks: { route: (tenantId, number, callerId) => trunks.route(tenantId as TenantId, number, callerId) },
    }),
    ...(answerTestNumber === undefined
      ? {}
      : { answerTest: { number: answerTestNumber, ringMs: answerTestRingMs ?? 0 } }),
  });
  const callActions = createCallActions({
    calls: liveCalls,
    devices: registrarAgentDevices(telephony.registrar),
    store,
    publisher: realtime.callEvents,
    identity,
    clock: systemClock,
    ids,
    logger,
    trunks: { route: async (tenantId, number, callerId) => trunks.route(tenantId, number, callerId) },
    recording: { recordingPathFor: (call) => live.recordings.begin(call) },
    // Pause/resume from the agent API writes silence into the recording on the media thread.
    recordingSwitch: mediaRecordingSwitch(live.media, (legId) => live.media.hasLeg(legId)),
  });
  const contactFlow = createContactFlow({
    database,
    identity,
    clock: systemClock,
    timers: nodeTimers,
    ids,
    logger,
    listener: realtime.listener,
    // Contacts that transfers put into queues are rung by the call actions, the rest by voice.
    telephony: callActions.telephony(live.voice.telephony),
    store,
  });
  // The index first: the call actions read who is on a call as the events come in.
  control.onEvent((event) => liveCalls.onCallEvent(event));
  // Queue announcements read positions from routing and expected waits from the live statistics.
  live.voice.attach(control, contactFlow.contacts, {
    standings: routingQueueStandings(contactFlow.host, realtime.projection, systemClock),
  });
  callActions.attach(control, contactFlow);
  await contactFlow.start();
  shutdown.add('routing', async () => {
    realtime.stop();
    await contactFlow.stop();
  });
  const app = await buildServer({
    config,
    logger,
    database,
    identity,
    readiness,
    clock: systemClock,
    version,
    metricsRegistry,
    sipWebSocket: telephony.webSocket,
    contactCenter: {
      async registerRoutes(app) {
        await contactCenterRoutes(contactFlow, realtime).registerRoutes(app);
        await callActions.registerRoutes(app);
      },
    },
    trunks: trunks.runtimePort,
    ...(https === undefined ? {} : { https }),
  });
  shutdown.add('http', () => app.close());
  shutdown.add('sip', () => telephony.stop());
  await app.listen({ host: config.http.host, port: config.http.port });
  logger.info({ sip: await telephony.start() }, 'SIP listening');
  // The guard times the SIP socket's own queue as well as the loop; off, it needs no probe socket.
  if (overloadLagMs > 0) {
    const probe = await telephony.openQueueProbe(() => overload.probeArrived());
    overload.start(nodeTimers, probe);
    shutdown.add('overload guard', async () => {
      overload.stop();
      await probe.close();
    });
  }
  // Registrations and keepalives go through call control's transaction layer, which gets the answers.
  await trunks.attach({ sender: control.core.layer, local: telephony.local, tlsPeers: telephony.tlsPeers });
  shutdown.add('trunks', () => trunks.stop());
  readiness.markReady();
  const baseUrl = `${https === undefined ? 'http' : 'https'}://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${config.http.port}`;
  logger.info({ url: baseUrl, docs: `${baseUrl}/docs` }, 'ready');
  if (demoSeeded) {
    // Plain text on stderr: meant for the person at the terminal, and keeps stdout pure JSON logs.
    process.stderr.write(demoCredentialsBanner(baseUrl) + '\n');
    process.stderr.write(demoSipBanner(config.sip.realm, config.sip.host, config.sip.port) + '\n');
    if (!isLoopback(config.http.host)) {
      logger.warn(
        { host: config.http.host },
        'demo credentials are reachable from the network; change them or use --no-demo',
      );
    }
  }
  await warnOfExposedDemoPhones(config, database, logger);
}

/**
 * Demo phones keep their published password whatever `--demo` says now (a shop seeded earlier), and
 * on a SIP port the network reaches anyone can register as them and take their agents' calls.
 */
async function warnOfExposedDemoPhones(config: Config, database: Database, logger: Logger): Promise<void> {
  if (isLoopback(config.sip.host)) return;
  const { realm } = config.sip;
  const extensions = await demoSipPhonesInUse({ database, realm, hash: nodeDigestHash });
  if (extensions.length === 0) return;
  logger.warn(
    { host: config.sip.host, extensions },
    'demo SIP phones with the published password are reachable from the network; change their passwords or bind SIP to loopback',
  );
}

/**
 * `auto` seeds only an empty database (first start); `always` re-checks the demo shop (idempotent);
 * `never` skips. Returns whether the demo tenant exists afterwards, so its logins can be shown.
 */
async function seedDemoIfWanted(
  config: Config,
  database: Database,
  identity: IdentityServices,
  ids: ReturnType<typeof uuidV7Ids>,
  logger: Logger,
): Promise<boolean> {
  const tenants = new TenantRepository(database.db);
  const mode = config.demo.mode;
  if (mode === 'never') return false;
  if (mode === 'auto' && (await tenants.count()) > 0) return (await tenants.findBySlug('demo')) !== undefined;
  const outcome = await seedDemoShop({
    database,
    hasher: identity.hasher,
    ids,
    clock: systemClock,
    hours: config.demo.hours,
  });
  logger.info(
    { tenantId: outcome.tenantId, created: outcome.created },
    outcome.created ? 'demo shop created' : 'demo shop checked',
  );
  return true;
}

/** The HTTPS certificate and key, read once at start (a missing file fails the start-up). */
function httpsFiles(config: Config): { cert: Buffer; key: Buffer } | undefined {
  const { tlsCert, tlsKey } = config.http;
  if (tlsCert === undefined || tlsKey === undefined) return undefined;
  return { cert: readFileSync(tlsCert), key: readFileSync(tlsKey) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

await main(process.argv.slice(2));
