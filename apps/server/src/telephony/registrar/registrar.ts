import type { Clock } from '@switchboard/kernel';
import { getHeader, serializeUri, type SipRequest } from '@switchboard/sip';
import type { SipMetrics } from '../sip-metrics';
import type { SipReply } from '../sip-reply';
import type { SipSource } from '../transport/sip-transport';
import { applyRegister, type RegisterPolicy } from './apply-register';
import { aorOf, type BindingFlow, type BindingOwner } from './binding';
import type { BindingRepository } from './binding-repository';
import type { SipAuthenticator } from './sip-authenticator';
import type { SipCredentialStore } from './sip-credential-repository';

/** Defaults: phones refresh hourly; 60 s is the floor RFC 3261 §10.2.1.1 recommends. */
export const DEFAULT_REGISTER_POLICY: RegisterPolicy = {
  minExpires: 60,
  maxExpires: 3600,
  defaultExpires: 3600,
  maxContactsPerAor: 10,
};

/** A registered contact of an agent, as callers that ring the agent need it. */
export interface RegisteredContact {
  /** The Contact URI to put in the Request-URI (RFC 3261 §16.6 step 6 style). */
  readonly uri: string;
  readonly aor: string;
  readonly q: number;
  readonly expiresAt: number;
  /** The flow to send over: a WebSocket client is reachable only over its connection. */
  readonly flow: BindingFlow;
}

/** Collaborators of the {@link Registrar}. */
export interface RegistrarDeps {
  readonly authenticator: SipAuthenticator;
  readonly bindings: BindingRepository;
  /** Which accounts may still be reached: bindings of disabled ones are dropped on lookup. */
  readonly credentials: Pick<SipCredentialStore, 'activeAors'>;
  readonly clock: Clock;
  readonly metrics: SipMetrics;
  /** Called for every failed authentication, with the source address (feeds the ban list). */
  readonly onAuthFailure: (address: string) => void;
  readonly policy?: RegisterPolicy;
}

/**
 * The registrar (RFC 3261 §10.3) for agents' phones. Every REGISTER is authenticated with digest;
 * a wrong password, an unknown user and an account registering someone else's address of record all
 * get the same `403 Forbidden`. Decides replies; sending them is the caller's.
 */
export class Registrar {
  private readonly policy: RegisterPolicy;

  constructor(private readonly deps: RegistrarDeps) {
    this.policy = deps.policy ?? DEFAULT_REGISTER_POLICY;
  }

  /** Answers one REGISTER (§10.3 steps 1–8). */
  async register(request: SipRequest, source: SipSource): Promise<SipReply> {
    const { authenticator, metrics } = this.deps;
    const auth = await authenticator.authenticate(request, false, source);
    if (auth.kind === 'challenge') {
      metrics.auth(auth.stale ? 'stale' : 'challenged');
      const headers = authenticator.challenge(auth.stale, false, source);
      return { status: 401, reason: 'Unauthorized', headers };
    }
    const toUser = request.to.uri.kind === 'sip' ? request.to.uri.user : undefined;
    // §10.3 step 3: only the account's own address of record may be modified.
    if (auth.kind === 'failed' || toUser !== auth.credential.username) {
      metrics.auth('failed');
      this.deps.onAuthFailure(source.address);
      return { status: 403, reason: 'Forbidden' };
    }
    metrics.auth('succeeded');
    const { credential } = auth;
    const now = this.deps.clock.now();
    const input = {
      tenantId: credential.tenantId,
      userId: credential.userId,
      aor: aorOf(credential.username, credential.realm),
      contact: request.contact,
      expires: getHeader(request, 'Expires'),
      callId: request.callId,
      cseq: request.cseq.seq,
      flow: flowOf(source),
      userAgent: getHeader(request, 'User-Agent'),
      now,
    };
    return this.deps.bindings.update(input, now, (current) => {
      const applied = applyRegister(current, input, this.policy);
      if (!applied.ok) return { result: applied.error };
      const headers = [...applied.value.contacts, { name: 'Date', value: new Date(now).toUTCString() }];
      return { bindings: applied.value.bindings, result: { status: 200, reason: 'OK', headers } };
    });
  }

  /**
   * The agent's live contacts, most preferred (`q`) first, then most recently registered. Bindings
   * of a credential, user or tenant disabled since they registered are removed here, so a disabled
   * account's phone stops ringing at once instead of when its registration expires.
   */
  async contactsFor(tenantId: string, userId: string): Promise<RegisteredContact[]> {
    const owner: BindingOwner = { tenantId, userId };
    const active = await this.deps.credentials.activeAors(tenantId, userId);
    const bindings = await this.deps.bindings.update(owner, this.deps.clock.now(), (current) => {
      const kept = current.filter((b) => active.has(b.aor));
      return kept.length === current.length ? { result: current } : { bindings: kept, result: kept };
    });
    return [...bindings]
      .sort((a, b) => b.q - a.q || b.updatedAt - a.updatedAt)
      .map((b) => ({
        uri: serializeUri(b.contact.uri),
        aor: b.aor,
        q: b.q,
        expiresAt: b.expiresAt,
        flow: b.flow,
      }));
  }
}

function flowOf(source: SipSource): BindingFlow {
  const base = { protocol: source.protocol, address: source.address, port: source.port };
  return source.connectionId === undefined ? base : { ...base, connectionId: source.connectionId };
}
