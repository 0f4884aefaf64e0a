import type { Kysely, Selectable } from 'kysely';
import type { TenantId } from '@switchboard/kernel';
import type { SipTrunksTable, TelephonyTables } from '../telephony-tables';
import type {
  DialFormat,
  HostPort,
  Trunk,
  TrunkAdmission,
  TrunkInput,
  TrunkTls,
  TrunkTransport,
} from './trunk';

type TrunkRow = Selectable<SipTrunksTable>;

/** `sip_trunks`: every query names the tenant except the runtime's load of all enabled trunks. */
export class TrunkRepository {
  constructor(private readonly db: Kysely<TelephonyTables>) {}

  async list(tenantId: TenantId): Promise<Trunk[]> {
    const rows = await this.db
      .selectFrom('sip_trunks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .execute();
    return rows.map(toTrunk);
  }

  /** Enabled trunks of every tenant, by tenant and name: what the SIP side admits and registers. */
  async listEnabled(): Promise<Trunk[]> {
    const rows = await this.db
      .selectFrom('sip_trunks')
      .selectAll()
      .where('disabled_at', 'is', null)
      .orderBy('tenant_id')
      .orderBy('name')
      .execute();
    return rows.map(toTrunk);
  }

  async find(tenantId: TenantId, id: string): Promise<Trunk | undefined> {
    const row = await this.db
      .selectFrom('sip_trunks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toTrunk(row);
  }

  async findByName(tenantId: TenantId, name: string): Promise<Trunk | undefined> {
    const row = await this.db
      .selectFrom('sip_trunks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : toTrunk(row);
  }

  async insert(tenantId: TenantId, id: string, input: TrunkInput, now: string): Promise<Trunk> {
    await this.db
      .insertInto('sip_trunks')
      .values({ id, tenant_id: tenantId, ...toColumns(input, now), created_at: now })
      .execute();
    return { id, tenantId, ...input, createdAt: now, updatedAt: now };
  }

  /** Replaces the settings of a trunk; false when the tenant has no such trunk. */
  async update(tenantId: TenantId, id: string, input: TrunkInput, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('sip_trunks')
      .set(toColumns(input, now))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(tenantId: TenantId, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('sip_trunks')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toColumns(input: TrunkInput, now: string): Omit<SipTrunksTable, 'id' | 'tenant_id' | 'created_at'> {
  return {
    name: input.name,
    admission: input.admission,
    allowed_addresses: JSON.stringify(input.allowedAddresses),
    provider_host: input.provider?.host ?? null,
    provider_port: input.provider?.port ?? null,
    provider_transport: input.provider?.transport ?? 'udp',
    provider_tls_verify: input.provider?.tls?.verify === false ? 0 : 1,
    provider_tls_ca: input.provider?.tls?.ca ?? null,
    outbound_proxy:
      input.outboundProxy === undefined ? null : `${input.outboundProxy.host} ${input.outboundProxy.port}`,
    auth_username: input.account?.username ?? null,
    auth_password: input.account?.password ?? null,
    register_expires: input.registerExpires,
    dial_format: input.outbound.dialFormat,
    default_caller_id: input.outbound.defaultCallerId ?? null,
    allowed_caller_ids: JSON.stringify(input.outbound.allowedCallerIds),
    assert_identity: input.outbound.assertIdentity ? 1 : 0,
    privacy_for_withheld: input.outbound.privacyForWithheld ? 1 : 0,
    keepalive_seconds: input.keepaliveSeconds,
    updated_at: now,
    disabled_at: input.enabled ? null : now,
  };
}

function toTrunk(row: TrunkRow): Trunk {
  const proxy = parseHostPort(row.outbound_proxy);
  return {
    id: row.id,
    tenantId: row.tenant_id as TenantId,
    name: row.name,
    enabled: row.disabled_at === null,
    admission: row.admission as TrunkAdmission,
    allowedAddresses: JSON.parse(row.allowed_addresses) as string[],
    ...(row.provider_host === null
      ? {}
      : {
          provider: {
            host: row.provider_host,
            port: Number(row.provider_port ?? 5060),
            transport: row.provider_transport as TrunkTransport,
            ...(row.provider_transport === 'tls' ? { tls: tlsOf(row) } : {}),
          },
        }),
    ...(proxy === undefined ? {} : { outboundProxy: proxy }),
    ...(row.auth_username === null
      ? {}
      : { account: { username: row.auth_username, password: row.auth_password ?? '' } }),
    registerExpires: Number(row.register_expires),
    outbound: {
      dialFormat: row.dial_format as DialFormat,
      ...(row.default_caller_id === null ? {} : { defaultCallerId: row.default_caller_id }),
      allowedCallerIds: JSON.parse(row.allowed_caller_ids) as string[],
      assertIdentity: Number(row.assert_identity) === 1,
      privacyForWithheld: Number(row.privacy_for_withheld) === 1,
    },
    keepaliveSeconds: Number(row.keepalive_seconds),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The TLS settings of a provider over TLS. */
function tlsOf(row: TrunkRow): TrunkTls {
  const verify = Number(row.provider_tls_verify) !== 0;
  return row.provider_tls_ca === null ? { verify } : { verify, ca: row.provider_tls_ca };
}

/** `host port` as stored (a space, since IPv6 literals hold colons). */
function parseHostPort(value: string | null): HostPort | undefined {
  if (value === null) return undefined;
  const at = value.lastIndexOf(' ');
  return { host: value.slice(0, at), port: Number(value.slice(at + 1)) };
}
