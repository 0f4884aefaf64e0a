/**
 * The telephony context's composition: SIP transports (UDP, TCP, optional TLS, WebSocket), the
 * shared intake with its protections, the stateless dispatcher and the registrar. `main.ts` starts
 * and stops it; `server.ts` mounts the WebSocket route on the HTTP server.
 */
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import type { Clock } from '@switchboard/kernel';
import { DigestServer } from '@switchboard/sip';
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
import { SipTransports, type TransportLimits } from './sip-transports';
import { StatelessDispatcher } from './sip-dispatcher';
import { StatelessResponder } from './stateless-responder';
import type { TelephonyTables } from './telephony-tables';
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
}

/** The running telephony context. */
export interface Telephony {
  readonly registrar: Registrar;
  /** Mounted by `server.ts` at `/sip` (RFC 7118). */
  readonly webSocket: WebSocketTransport;
  readonly protection: SipProtection;
  readonly metrics: SipMetrics;
  /** Binds UDP and TCP (and TLS when configured); resolves with the bound ports. */
  start(): Promise<{ udp: number; tcp: number; tls?: number }>;
  /** Closes every transport; idempotent. */
  stop(): Promise<void>;
}

/** Default limits: RFC 3261 §18.1.1 messages stay small; connections idle longer than a refresh close. */
export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = {
  maxMessageSize: 65_535,
  idleTimeoutMs: 15 * 60_000,
  maxConnections: 2_000,
  maxPendingWrite: 1 << 20,
  maxInFlightPerSource: 32,
};

/** Builds the telephony context; nothing listens until `start()`. */
export function createTelephony(options: TelephonyOptions): Telephony {
  const { sip, clock, logger } = options;
  const limits = { ...DEFAULT_TRANSPORT_LIMITS, ...options.limits };
  const bindings = new InMemoryBindingRepository();
  let transports: SipTransports | undefined;
  const webSocket = new WebSocketTransport({
    protocol: 'WS',
    maxConnections: limits.maxConnections,
    maxPendingWrite: limits.maxPendingWrite,
    receive: (bytes, source) => intake.receive(bytes, source),
    onConnectionClosed: (id) => void bindings.removeByConnection(id),
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
    },
    clock,
    (address, why) => {
      metrics.banned();
      logger.warn({ address, why }, 'SIP source banned');
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
  const registrar = new Registrar({
    authenticator: new SipAuthenticator(sip.realm, digest, credentials),
    bindings,
    clock,
    metrics,
    onAuthFailure: (address) => protection.recordAuthFailure(address),
    policy: options.registerPolicy ?? DEFAULT_REGISTER_POLICY,
  });
  const dispatcher = new StatelessDispatcher(registrar, responder, metrics);
  // The transaction layer plugs in here: its `receive` becomes the handler (see sip-intake.ts).
  const intake = new SipIntake({
    protection,
    metrics,
    responder,
    handler: dispatcher.handle,
    maxMessageSize: limits.maxMessageSize,
    onError,
  });
  let sweeper: NodeJS.Timeout | undefined;
  return {
    registrar,
    webSocket,
    protection,
    metrics,
    async start() {
      transports = await SipTransports.open({
        host: sip.host,
        port: sip.port,
        ...(sip.tlsCert !== undefined && sip.tlsKey !== undefined
          ? { tls: { port: sip.tlsPort, cert: readFileSync(sip.tlsCert), key: readFileSync(sip.tlsKey) } }
          : {}),
        limits,
        intake,
        metrics,
        onError: (error) => logger.warn({ err: error }, 'SIP socket error'),
      });
      sweeper = setInterval(() => void bindings.sweep(clock.now()), 30_000);
      sweeper.unref();
      return transports.ports();
    },
    async stop() {
      if (sweeper !== undefined) clearInterval(sweeper);
      await webSocket.close();
      await transports?.close();
    },
  };
}
