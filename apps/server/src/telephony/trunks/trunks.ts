/**
 * The trunks part of telephony, composed: the runtime (registrations, keepalives, inbound rules,
 * outbound routes), INVITE admission with its metrics and log lines, and the port the admin HTTP
 * routes reload and read it through. `main.ts` builds it after telephony, gives its admission to call control and attaches
 * it to call control's transaction layer.
 */
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Clock, Random, Rejection, Result, TenantId, Timers } from '@switchboard/kernel';
import type { DigestHash, SipRequest } from '@switchboard/sip';
import type { Database } from '../../store/database';
import type { SipAuthenticator } from '../registrar/sip-authenticator';
import type { TelephonyLogger } from '../telephony';
import type { TelephonyTables } from '../telephony-tables';
import type { CallerIdRequest } from './caller-id-rules';
import { dialedNumber, InviteAdmission, type AdmissionVerdict } from './invite-admission';
import type { HostLookup } from './provider-addresses';
import type { RetryPolicy } from './provider-registration';
import type { TrunkRuntimePort } from './trunk-admin';
import { registerTrunkMetrics } from './trunk-metrics';
import { TrunkRepository } from './trunk-repository';
import type { TrunkRoute } from './trunk-route';
import { TrunkRuntime } from './trunk-runtime';
import type { SipSide } from './trunk-sessions';

/** What {@link createTrunks} needs. */
export interface TrunksOptions {
  readonly database: Database;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly hash?: DigestHash;
  readonly logger: TelephonyLogger;
  readonly metricsRegistry: Registry;
  /** The tenant owning a dialled entry-point number (the routing configuration's `entry_points`). */
  readonly numberOwner: (dialed: string) => Promise<TenantId | undefined>;
  /** Telephony's digest authentication, against the phones' credentials. */
  readonly authenticator: Pick<SipAuthenticator, 'authenticate' | 'challenge'>;
  /** Telephony's protection: failed authentications count towards bans. */
  readonly onAuthFailure: (address: string) => void;
  readonly lookup?: HostLookup;
  readonly retry?: RetryPolicy;
  readonly reloadIntervalMs?: number;
}

/** Decides whether a new INVITE from `sourceAddress` may reach call control. */
export interface InviteGate {
  admit(request: SipRequest, sourceAddress: string): Promise<AdmissionVerdict>;
}

/** The running trunks part. */
export interface Trunks extends InviteGate {
  readonly runtime: TrunkRuntime;
  /** For the admin HTTP routes: reloads this node after a change, and reports status. */
  readonly runtimePort: TrunkRuntimePort;
  /** True when some enabled trunk admits calls from `address` (its allow-list or its provider). */
  isTrunkSource(address: string): boolean;
  /** The outbound route for the voice context (`Originate` target and caller ID). */
  route(tenantId: TenantId, number: string, callerId?: CallerIdRequest): Result<TrunkRoute, Rejection>;
  /** Starts registrations and keepalives over call control's transaction layer. */
  attach(side: SipSide): Promise<void>;
  /** Unregisters from providers and stops the keepalives. */
  stop(): Promise<void>;
}

/** Builds the trunks part; nothing is sent until {@link Trunks.attach}. */
export function createTrunks(o: TrunksOptions): Trunks {
  const db = o.database.db as Kysely<TelephonyTables>;
  const repository = new TrunkRepository(db);
  const runtime = new TrunkRuntime({
    load: () => repository.listEnabled(),
    timers: o.timers,
    clock: o.clock,
    random: o.random,
    logger: o.logger,
    ...(o.hash === undefined ? {} : { hash: o.hash }),
    ...(o.lookup === undefined ? {} : { lookup: o.lookup }),
    ...(o.retry === undefined ? {} : { retry: o.retry }),
    ...(o.reloadIntervalMs === undefined ? {} : { reloadIntervalMs: o.reloadIntervalMs }),
  });
  const metrics = registerTrunkMetrics(o.metricsRegistry, runtime);
  const admission = new InviteAdmission({
    rules: () => runtime.inboundRules(),
    numberOwner: o.numberOwner,
    authenticator: o.authenticator,
    onAuthFailure: o.onAuthFailure,
  });
  const runtimePort: TrunkRuntimePort = {
    changed: () => runtime.reload(),
    status: (trunk) => runtime.status(trunk),
  };
  return {
    runtime,
    runtimePort,
    async admit(request, sourceAddress) {
      const verdict = await admission.decide(request, sourceAddress);
      metrics.admission(verdict);
      logVerdict(o.logger, verdict, request, sourceAddress);
      return verdict;
    },
    isTrunkSource: (address) => runtime.isTrunkSource(address),
    route: (tenantId, number, callerId) => runtime.route(tenantId, number, callerId),
    attach: (side) => runtime.attach(side),
    stop: () => runtime.stop(),
  };
}

/**
 * One line per refusal with its reason; the caller's number stays out of the log (personal data),
 * the dialled entry point does not identify anyone. A plain challenge is the normal first step of an
 * extension's call and is not logged.
 */
function logVerdict(
  logger: TelephonyLogger,
  verdict: AdmissionVerdict,
  request: SipRequest,
  source: string,
): void {
  if (verdict.kind === 'admit' || verdict.why === 'challenged' || verdict.why === 'stale') return;
  const fields = {
    reason: verdict.why,
    status: verdict.status,
    source,
    callId: request.callId,
    dialed: dialedNumber(request),
  };
  if (verdict.why === 'auth-failed') logger.warn(fields, 'INVITE refused');
  else logger.info(fields, 'INVITE refused');
}
