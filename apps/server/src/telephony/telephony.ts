/**
 * The telephony context's composition: SIP transports (UDP, TCP, optional TLS, WebSocket), the
 * shared intake with its protections, the transaction layer and user-agent core of `@switchboard/sip`
 * on top of it, the registrar, and the seam where call control attaches. `main.ts` starts and stops
 * it; `server.ts` mounts the WebSocket route on the HTTP server.
 */
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { rejection, type Clock, type Timers } from '@switchboard/kernel';
import {
  DigestServer,
  type LocalEndpoint,
  type ServerTransaction,
  type SipRequest,
  type Transport,
  type UserAgentCore,
} from '@switchboard/sip';
import { answerTestCallHandler } from './answer-test-call-handler';
import { rejectCalls, type SipCallHandler } from './sip-call-handler';
import type { SipConfig } from '../config/config';
import type { Database } from '../store/database';
import { SipProtection } from './protection/sip-protection';
import { InMemoryBindingRepository } from './registrar/binding-repository';
import { DEFAULT_REGISTER_POLICY, Registrar } from './registrar/registrar';
import type { RegisterPolicy } from './registrar/apply-register';
import { SipAuthenticator } from './registrar/sip-authenticator';
import { SipCredentialRepository, type SipCredentialStore } from './registrar/sip-credential-repository';
import { SipIntake } from './sip-intake';
import { registerSipMetrics, type SipMetrics } from './sip-metrics';
import { cryptoRandom, nodeDigestHash, randomNonceSecret } from './sip-node-ports';
import { SipLocalEndpoint } from './sip-local-endpoint';
import { systemTimers } from './sip-timers';
import { SipTransports, type TransportLimits } from './sip-transports';
import type { QueueProbe } from './transport/udp-transport';
import { SipUserAgent } from './sip-user-agent';
import { StatelessResponder } from './stateless-responder';
import { OutboundTransport } from './transaction-transport';
import type { TelephonyTables } from './telephony-tables';
import { remoteKey } from './transport/sip-transport';
import { TlsPeers } from './transport/tls-peers';
import { WebSocketTransport } from './transport/websocket-transport';

/** The log calls the SIP layers make (pino's Logger fits). */
export interface TelephonyLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What {@link createTelephony} needs. */
export interface TelephonyOptions {
  readonly sip: SipConfig;
  readonly database: Database;
  readonly clock: Clock;
  readonly logger: TelephonyLogger;
  /** The registry `/metrics` serves; a private one when absent. */
  readonly metricsRegistry?: Registry;
  readonly limits?: Partial<TransportLimits>;
  readonly registerPolicy?: RegisterPolicy;
  /** Where credentials come from; the `sip_credentials` table by default. */
  readonly credentials?: SipCredentialStore;
  /** Transaction timers; the event loop by default (a virtual clock in tests that need one). */
  readonly timers?: Timers;
  /** Server transactions alive at once per source; see {@link DEFAULT_MAX_TRANSACTIONS_PER_SOURCE}. */
  readonly maxServerTransactionsPerSource?: number;
  /** `WSS` when the HTTP server that carries `/sip` speaks TLS (RFC 7118 §5); `WS` by default. */
  readonly webSocketProtocol?: 'WS' | 'WSS';
}

/** The running telephony context. */
export interface Telephony {
  readonly registrar: Registrar;
  /** Digest authentication against phones' credentials: the registrar's, reused for INVITEs. */
  readonly authenticator: SipAuthenticator;
  /** Mounted by `server.ts` at `/sip` (RFC 7118). */
  readonly webSocket: WebSocketTransport;
  readonly protection: SipProtection;
  readonly metrics: SipMetrics;
  /**
   * The user-agent core over the transaction layer (RFC 3261 §8, §12–§17): call control answers
   * through `respond`, originates with `sendInvite` (build the request with
   * `createOutboundRequest`) and sends in-dialog requests with `sendRequest`/`bye`.
   */
  readonly userAgent: UserAgentCore;
  /** This server's Via sent-by and Contact (the port is the bound one once started). */
  readonly local: LocalEndpoint;
  /** Live server transactions allowed per source host; give it to every transaction layer. */
  readonly serverTransactionLimit: (host: string) => number;
  /** Hands calls to `handler` (call control); until then INVITEs get 480 (or the answer test). */
  setCallHandler(handler: SipCallHandler): void;
  /**
   * For call control that owns its `UserAgentCore` (`CallControl`): build it with
   * `outboundTransport`, `local` and `otherRequest`, then `attachCore(control.core)`; from then on
   * every message received goes to that core's transaction layer.
   */
  attachCore(core: UserAgentCore): void;
  /** Where requests the server originates leave (UDP once started). */
  readonly outboundTransport: Transport;
  /** Answers out-of-dialog requests other than INVITE (REGISTER, OPTIONS, …) for an attached core. */
  readonly otherRequest: (request: SipRequest, transaction: ServerTransaction) => void;
  /**
   * Subscribes to the end of browsers' SIP WebSocket connections (RFC 7118), by the connection id
   * their flows carry: call control keeps their calls up a while for a rejoin. Returns the
   * unsubscribe function.
   */
  onWebSocketClosed(listener: (connectionId: string) => void): () => void;
  /**
   * Who the TLS servers we connect to must be (RFC 5922 §7): the trunks configure their providers
   * here; other peers are checked against the system's roots and `--sip-tls-ca`.
   */
  readonly tlsPeers: TlsPeers;
  /** Binds UDP and TCP (and TLS when configured); resolves with the bound ports. */
  start(): Promise<{ udp: number; tcp: number; tls?: number }>;
  /**
   * Probes the SIP UDP socket's queue (`UdpTransport.openQueueProbe`), once started: how long a
   * request arriving now waits before it is read.
   */
  openQueueProbe(arrived: () => void): Promise<QueueProbe>;
  /** Closes every transport; idempotent. */
  stop(): Promise<void>;
}

/** Default limits: RFC 3261 §18.1.1 messages stay small; connections idle longer than a refresh close. */
export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = {
  maxMessageSize: 65_535,
  idleTimeoutMs: 15 * 60_000,
  connectTimeoutMs: 10_000,
  maxConnections: 2_000,
  maxPendingWrite: 1 << 20,
  maxInFlightPerSource: 32,
};

/**
 * Default bound on live server transactions per source address and port. Transactions outlive
 * their final response (Timer J and RFC 6026 Timer L: 32 s over UDP), so a trunk at the default rate
 * limit (50 requests/s) legitimately holds about 1,600; beyond 2,000 the source gets 503.
 */
export const DEFAULT_MAX_TRANSACTIONS_PER_SOURCE = 2_000;

/**
 * The bound for trusted sources (configured SBCs and the tenants' IP trunks): a carrier at 100
 * calls/s holds about 6,400 transactions (INVITE and BYE, 32 s each); this leaves room for bursts
 * while still capping memory (a transaction is a few KiB).
 */
export const TRUSTED_MAX_TRANSACTIONS_PER_SOURCE = 50_000;

/** Builds the telephony context; nothing listens until `start()`. */
export function createTelephony(options: TelephonyOptions): Telephony {
  const { sip, clock, logger } = options;
  const limits = { ...DEFAULT_TRANSPORT_LIMITS, ...options.limits };
  const bindings = new InMemoryBindingRepository();
  let transports: SipTransports | undefined;
  const webSocketClosed = new Set<(connectionId: string) => void>();
  const webSocket = new WebSocketTransport({
    protocol: options.webSocketProtocol ?? 'WS',
    maxConnections: limits.maxConnections,
    maxPendingWrite: limits.maxPendingWrite,
    receive: (bytes, source) => intake.receive(bytes, source),
    onConnectionClosed: (id) => {
      void bindings.removeByConnection(id);
      for (const listener of [...webSocketClosed]) listener(id);
    },
    onConnectionRefused: () => metrics.connectionRefused('WS'),
  });
  const protection = new SipProtection(
    {
      ratePerSecond: sip.rateLimitPerSecond,
      rateBurst: sip.rateLimitBurst,
      maxAuthFailures: sip.banAfterAuthFailures,
      authFailureWindowMs: sip.banSeconds * 1000,
      banMs: sip.banSeconds * 1000,
      maxInFlightPerSource: limits.maxInFlightPerSource,
      dropScanners: sip.dropScanners,
      trustedAddresses: sip.trustedAddresses ?? [],
    },
    clock,
    (source, why) => {
      metrics.banned();
      logger.warn({ source, why }, 'SIP source banned');
    },
  );
  const metrics = registerSipMetrics(options.metricsRegistry ?? new Registry(), {
    bindings: () => bindings.size,
    connections: () => ({ ...transports?.connectionCounts(), WS: webSocket.connectionCount }),
    bannedSources: () => protection.bannedCount(),
  });
  const onError = (error: unknown): void => logger.error({ err: error }, 'SIP handler failed');
  const responder = new StatelessResponder(metrics, onError);
  const digest = new DigestServer(
    {
      realm: sip.realm,
      secret: sip.nonceSecret ?? randomNonceSecret(),
      algorithms: sip.digestAlgorithms,
    },
    { clock, random: cryptoRandom, hash: nodeDigestHash },
  );
  const credentials =
    options.credentials ??
    new SipCredentialRepository(options.database.db as Kysely<TelephonyTables>, nodeDigestHash);
  const authenticator = new SipAuthenticator(sip.realm, digest, credentials);
  const registrar = new Registrar({
    authenticator,
    bindings,
    credentials,
    clock,
    metrics,
    onAuthFailure: (address) => protection.recordAuthFailure(address),
    policy: options.registerPolicy ?? DEFAULT_REGISTER_POLICY,
  });
  const local = new SipLocalEndpoint(sip.host, sip.port);
  const outbound = new OutboundTransport();
  const untrustedLimit = options.maxServerTransactionsPerSource ?? DEFAULT_MAX_TRANSACTIONS_PER_SOURCE;
  const serverTransactionLimit = (host: string): number =>
    protection.isTrusted(host)
      ? Math.max(untrustedLimit, TRUSTED_MAX_TRANSACTIONS_PER_SOURCE)
      : untrustedLimit;
  const userAgent = new SipUserAgent({
    registrar,
    metrics,
    responder,
    timers: options.timers ?? systemTimers,
    random: cryptoRandom,
    transport: outbound,
    local,
    maxServerTransactionsPerSource: serverTransactionLimit,
  });
  enableAnswerTest(userAgent, local, options);
  const intake = new SipIntake({
    protection,
    metrics,
    responder,
    handler: userAgent.receive,
    maxMessageSize: limits.maxMessageSize,
    onError,
  });
  let sweeper: NodeJS.Timeout | undefined;
  const tlsPeers = new TlsPeers();
  return {
    registrar,
    authenticator,
    webSocket,
    protection,
    metrics,
    userAgent: userAgent.core,
    local,
    serverTransactionLimit,
    setCallHandler: (handler) => userAgent.setCallHandler(handler),
    attachCore: (core) => userAgent.attachCore(core),
    outboundTransport: outbound,
    otherRequest: userAgent.otherRequest,
    tlsPeers,
    onWebSocketClosed: (listener) => {
      webSocketClosed.add(listener);
      return () => void webSocketClosed.delete(listener);
    },
    async start() {
      const tlsFiles =
        sip.tlsCert !== undefined && sip.tlsKey !== undefined
          ? { cert: readFileSync(sip.tlsCert), key: readFileSync(sip.tlsKey) }
          : undefined;
      // Our certificate is presented to servers that ask for one (mutual TLS between servers).
      tlsPeers.setDefaults({
        ...tlsFiles,
        ...(sip.tlsCa === undefined ? {} : { ca: readFileSync(sip.tlsCa) }),
      });
      transports = await SipTransports.open({
        host: sip.host,
        port: sip.port,
        ...(tlsFiles === undefined ? {} : { tls: { port: sip.tlsPort, ...tlsFiles } }),
        tlsPeers,
        limits,
        intake,
        metrics,
        onError: (error) => logger.warn({ err: error }, 'SIP socket error'),
        // Bindings live as long as the flow they came over: requests never take another way.
        onConnectionClosed: (id) => void bindings.removeByConnection(id),
        // A refused connection or an untrusted certificate fails the INVITE in milliseconds, not at
        // Timer B (RFC 3261 §18.4, §17.1.4: a transport error, which callers see as 503).
        onConnectFailed: (remote, protocol, reason) => {
          const to = remoteKey(remote.address, remote.port);
          logger.warn(
            { remote: to, protocol, reason: reason?.message },
            'SIP connection could not be opened',
          );
          userAgent.connectionFailed(
            { host: remote.address, port: remote.port, flow: { transport: protocol } },
            rejection(
              'SIP.CONNECT_FAILED',
              `No ${protocol} connection could be opened to ${to}${reason === undefined ? '' : `: ${reason.message}`}`,
            ),
          );
        },
      });
      local.bind(transports.ports());
      // Requests leave over the flow's transport: UDP, TCP, TLS or the client's WebSocket.
      outbound.bind([...transports.all, webSocket]);
      sweeper = setInterval(() => void bindings.sweep(clock.now()), 30_000);
      sweeper.unref();
      return transports.ports();
    },
    openQueueProbe(arrived) {
      if (transports === undefined) return Promise.reject(new Error('telephony is not started'));
      return transports.udpTransport.openQueueProbe(arrived);
    },
    async stop() {
      if (sweeper !== undefined) clearInterval(sweeper);
      outbound.bind(undefined);
      await webSocket.close();
      await transports?.close();
    },
  };
}

/** The answer test number (`SIP_ANSWER_TEST_NUMBER`): loud in the log, since it answers calls. */
function enableAnswerTest(userAgent: SipUserAgent, local: SipLocalEndpoint, options: TelephonyOptions): void {
  const { sip, logger } = options;
  if (sip.answerTestNumber === undefined) return;
  logger.warn({ number: sip.answerTestNumber }, 'SIP answer test number enabled: calls to it are answered');
  userAgent.setCallHandler(
    answerTestCallHandler(userAgent.core, {
      number: sip.answerTestNumber,
      ringMs: sip.answerTestRingMs ?? 0,
      mediaAddress: local.host.replace(/^\[|\]$/g, ''),
      timers: options.timers ?? systemTimers,
      otherCalls: rejectCalls(userAgent.core),
    }),
  );
}
