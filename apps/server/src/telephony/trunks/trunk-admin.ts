import type { Kysely } from 'kysely';
import { ok, reject, type Clock, type IdGenerator, type Rejection, type Result } from '@switchboard/kernel';
import type { AuditLog } from '../../identity/audit-log';
import type { Actor } from '../../identity/identity-model';
import type { IdentityTables } from '../../identity/identity-tables';
import type { TelephonyTables } from '../telephony-tables';
import {
  defaultProviderPort,
  TRUNK_DEFAULTS,
  type Trunk,
  type TrunkInput,
  type TrunkProvider,
} from './trunk';
import { TrunkRepository } from './trunk-repository';
import type { TrunkStatus } from './trunk-runtime';
import type { CreateTrunkBody } from './trunk-schemas';
import { applyTrunkPatch, TrunkCode, validateTrunk, type TrunkPatch } from './trunk-validation';

/** What the admin side tells the SIP side. */
export interface TrunkRuntimePort {
  /** Called after every committed change, so this node re-reads its trunks at once. */
  changed(): Promise<void>;
  status(trunk: Trunk): TrunkStatus;
}

/** Without a running SIP side (tests of the API alone): nothing registers, nothing is known. */
export const NO_TRUNK_RUNTIME: TrunkRuntimePort = {
  changed: () => Promise.resolve(),
  status: (trunk) => ({
    trunkId: trunk.id,
    active: false,
    ...(trunk.admission === 'registration' ? { registration: { state: 'idle', failures: 0 } } : {}),
    reachability: { state: 'unknown' },
    providerAddresses: [],
  }),
};

/**
 * Trunk administration for a tenant's admins: validated, audited (`trunk.created`, `trunk.updated`,
 * `trunk.deleted`, never with the password) and scoped to the caller's tenant, so another tenant's
 * trunk is as absent as none.
 */
export class TrunkAdmin {
  constructor(
    private readonly db: Kysely<TelephonyTables>,
    private readonly audit: Pick<AuditLog, 'record'>,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly runtime: TrunkRuntimePort = NO_TRUNK_RUNTIME,
  ) {}

  list(actor: Actor): Promise<Trunk[]> {
    return new TrunkRepository(this.db).list(actor.principal.tenantId);
  }

  async get(actor: Actor, id: string): Promise<Result<Trunk, Rejection>> {
    const trunk = await new TrunkRepository(this.db).find(actor.principal.tenantId, id);
    return trunk === undefined ? notFound(id) : ok(trunk);
  }

  async status(actor: Actor, id: string): Promise<Result<TrunkStatus, Rejection>> {
    const found = await this.get(actor, id);
    return found.ok ? ok(this.runtime.status(found.value)) : found;
  }

  async create(actor: Actor, body: CreateTrunkBody): Promise<Result<Trunk, Rejection>> {
    const valid = validateTrunk(inputOf(body));
    if (!valid.ok) return valid;
    const tenantId = actor.principal.tenantId;
    const created = await this.db.transaction().execute(async (trx) => {
      const trunks = new TrunkRepository(trx);
      if (await trunks.findByName(tenantId, valid.value.name)) return nameTaken(valid.value.name);
      const trunk = await trunks.insert(tenantId, this.ids.next(), valid.value, this.now());
      await this.record(trx, actor, 'trunk.created', trunk);
      return ok(trunk);
    });
    if (created.ok) await this.runtime.changed();
    return created;
  }

  async update(actor: Actor, id: string, patch: TrunkPatch): Promise<Result<Trunk, Rejection>> {
    const tenantId = actor.principal.tenantId;
    const updated = await this.db.transaction().execute(async (trx) => {
      const trunks = new TrunkRepository(trx);
      const existing = await trunks.find(tenantId, id);
      if (existing === undefined) return notFound(id);
      const valid = validateTrunk(applyTrunkPatch(existing, patch));
      if (!valid.ok) return valid;
      const clash = await trunks.findByName(tenantId, valid.value.name);
      if (clash !== undefined && clash.id !== id) return nameTaken(valid.value.name);
      const now = this.now();
      await trunks.update(tenantId, id, valid.value, now);
      const trunk: Trunk = { ...valid.value, id, tenantId, createdAt: existing.createdAt, updatedAt: now };
      await this.record(trx, actor, 'trunk.updated', trunk, Object.keys(patch));
      return ok(trunk);
    });
    if (updated.ok) await this.runtime.changed();
    return updated;
  }

  async delete(actor: Actor, id: string): Promise<Result<void, Rejection>> {
    const tenantId = actor.principal.tenantId;
    const deleted = await this.db.transaction().execute(async (trx) => {
      const trunks = new TrunkRepository(trx);
      const existing = await trunks.find(tenantId, id);
      if (existing === undefined) return notFound(id);
      await trunks.delete(tenantId, id);
      await this.record(trx, actor, 'trunk.deleted', existing);
      return ok(undefined);
    });
    if (deleted.ok) await this.runtime.changed();
    return deleted;
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private record(
    trx: Kysely<TelephonyTables>,
    actor: Actor,
    action: string,
    trunk: Trunk,
    changed?: readonly string[],
  ): Promise<void> {
    const { principal } = actor;
    return this.audit.record(
      {
        tenantId: principal.tenantId,
        actorUserId: principal.userId,
        actor: principal.username,
        action,
        target: { type: 'sip_trunk', id: trunk.id },
        ip: actor.ip,
        // Names of what changed, never values: the account password must not reach the audit log.
        details: { name: trunk.name, ...(changed === undefined ? {} : { changed }) },
      },
      trx as unknown as Kysely<IdentityTables>,
    );
  }
}

/** A create body with the defaults filled in. */
export function inputOf(body: CreateTrunkBody): TrunkInput {
  return {
    name: body.name,
    enabled: body.enabled ?? true,
    admission: body.admission,
    allowedAddresses: body.allowedAddresses ?? [],
    ...(body.provider === undefined ? {} : { provider: providerOf(body.provider) }),
    ...(body.outboundProxy === undefined ? {} : { outboundProxy: body.outboundProxy }),
    ...(body.account === undefined ? {} : { account: body.account }),
    registerExpires: body.registerExpires ?? TRUNK_DEFAULTS.registerExpires,
    outbound: {
      dialFormat: body.outbound?.dialFormat ?? 'e164',
      ...(body.outbound?.defaultCallerId === undefined
        ? {}
        : { defaultCallerId: body.outbound.defaultCallerId }),
      allowedCallerIds: body.outbound?.allowedCallerIds ?? [],
      assertIdentity: body.outbound?.assertIdentity ?? false,
      privacyForWithheld: body.outbound?.privacyForWithheld ?? true,
    },
    keepaliveSeconds: body.keepaliveSeconds ?? TRUNK_DEFAULTS.keepaliveSeconds,
  };
}

/**
 * A provider as a request writes it, with the defaults filled in: UDP, port 5060 (5061 over TLS,
 * RFC 3261 §19.1.2), and over TLS a checked certificate. TLS settings given for another transport
 * are kept, for validation to refuse.
 */
export function providerOf(body: NonNullable<CreateTrunkBody['provider']>): TrunkProvider {
  const transport = body.transport ?? TRUNK_DEFAULTS.transport;
  const base = { host: body.host, port: body.port ?? defaultProviderPort(transport), transport };
  if (transport !== 'tls' && body.tls === undefined) return base;
  const { verify, ca } = body.tls ?? {};
  return { ...base, tls: { verify: verify ?? true, ...(ca === undefined ? {} : { ca }) } };
}

function notFound(id: string): Result<never, Rejection> {
  return reject(TrunkCode.NOT_FOUND, `No trunk ${id}`);
}

function nameTaken(name: string): Result<never, Rejection> {
  return reject(TrunkCode.NAME_TAKEN, `A trunk named ${name} already exists`, { field: 'name' });
}
