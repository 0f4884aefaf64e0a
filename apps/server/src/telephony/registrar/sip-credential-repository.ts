import type { Kysely } from 'kysely';
import { computeHa1, type DigestHash } from '@switchboard/sip';
import type { TelephonyTables } from '../telephony-tables';

/** A phone's SIP credential as the registrar needs it: who it belongs to and its HA1 values. */
export interface SipCredential {
  readonly realm: string;
  readonly username: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly ha1: { readonly MD5: string; readonly 'SHA-256': string };
}

/** Where the registrar finds credentials; the database in the server, a map in tests. */
export interface SipCredentialStore {
  /** The enabled credential for `username` in `realm`, if any. */
  find(realm: string, username: string): Promise<SipCredential | undefined>;
}

/** What {@link SipCredentialRepository.set} stores. */
export interface SipCredentialInput {
  readonly realm: string;
  readonly username: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly password: string;
}

/**
 * `sip_credentials`: one row per (realm, SIP user name) holding HA1 for MD5 and SHA-256
 * (RFC 8760 §3), so the password itself is never stored. Changing the realm means setting the
 * passwords again, since HA1 covers the realm.
 */
export class SipCredentialRepository implements SipCredentialStore {
  constructor(
    private readonly db: Kysely<TelephonyTables>,
    private readonly hash: DigestHash,
  ) {}

  async find(realm: string, username: string): Promise<SipCredential | undefined> {
    const row = await this.db
      .selectFrom('sip_credentials')
      .selectAll()
      .where('realm', '=', realm)
      .where('username', '=', username)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      realm: row.realm,
      username: row.username,
      tenantId: row.tenant_id,
      userId: row.user_id,
      ha1: { MD5: row.ha1_md5, 'SHA-256': row.ha1_sha256 },
    };
  }

  /** True when a credential exists for `username` in `realm` (enabled or not). */
  async exists(realm: string, username: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('sip_credentials')
      .select('username')
      .where('realm', '=', realm)
      .where('username', '=', username)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Creates or replaces a credential, hashing the password into HA1 values. */
  async set(input: SipCredentialInput, now: string): Promise<void> {
    const ha1 = (algorithm: 'MD5' | 'SHA-256'): string =>
      computeHa1(this.hash, algorithm, input.username, input.realm, input.password);
    const values = {
      tenant_id: input.tenantId,
      user_id: input.userId,
      ha1_md5: ha1('MD5'),
      ha1_sha256: ha1('SHA-256'),
      updated_at: now,
      disabled_at: null,
    };
    await this.db
      .insertInto('sip_credentials')
      .values({ realm: input.realm, username: input.username, created_at: now, ...values })
      .onConflict((oc) => oc.columns(['realm', 'username']).doUpdateSet(values))
      .execute();
  }
}
