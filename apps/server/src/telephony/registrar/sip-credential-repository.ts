import type { Kysely } from 'kysely';
import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { computeHa1, type DigestHash } from '@switchboard/sip';
import type { IdentityTables } from '../../identity/identity-tables';
import type { TelephonyTables } from '../telephony-tables';
import { aorOf } from './binding';

/** {@link SipCredentialRepository.set} refused: the SIP user name is another account's. */
export const SIP_USERNAME_TAKEN = 'TELEPHONY.SIP_USERNAME_TAKEN';

/** The tables a credential lookup reads: its own, and the owner's user and tenant rows. */
type CredentialTables = TelephonyTables & Pick<IdentityTables, 'users' | 'tenants'>;

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
  /**
   * The credential for `username` in `realm` when it, its user and its tenant are all enabled;
   * otherwise undefined, which the authenticator answers exactly like an unknown user.
   */
  find(realm: string, username: string): Promise<SipCredential | undefined>;
  /**
   * The addresses of record (`sip:<username>@<realm>`) the user may hold bindings for now: those of
   * its enabled credentials while the user and tenant are enabled; none otherwise.
   */
  activeAors(tenantId: string, userId: string): Promise<ReadonlySet<string>>;
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
  private readonly db: Kysely<CredentialTables>;

  constructor(
    db: Kysely<TelephonyTables>,
    private readonly hash: DigestHash,
  ) {
    // sip_credentials references users and tenants (telephony migrations), so they exist beside it.
    this.db = db as unknown as Kysely<CredentialTables>;
  }

  async find(realm: string, username: string): Promise<SipCredential | undefined> {
    const row = await this.enabled()
      .selectAll('sip_credentials')
      .where('sip_credentials.realm', '=', realm)
      .where('sip_credentials.username', '=', username)
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

  async activeAors(tenantId: string, userId: string): Promise<ReadonlySet<string>> {
    const rows = await this.enabled()
      .select(['sip_credentials.realm', 'sip_credentials.username'])
      .where('sip_credentials.tenant_id', '=', tenantId)
      .where('sip_credentials.user_id', '=', userId)
      .execute();
    return new Set(rows.map((r) => aorOf(r.username, r.realm)));
  }

  /** Credentials whose own row, user and tenant are all enabled. */
  private enabled() {
    return this.db
      .selectFrom('sip_credentials')
      .innerJoin('users', (j) =>
        j
          .onRef('users.id', '=', 'sip_credentials.user_id')
          .onRef('users.tenant_id', '=', 'sip_credentials.tenant_id'),
      )
      .innerJoin('tenants', 'tenants.id', 'sip_credentials.tenant_id')
      .where('sip_credentials.disabled_at', 'is', null)
      .where('users.disabled_at', 'is', null)
      .where('tenants.disabled_at', 'is', null);
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

  /**
   * Creates a credential, or replaces the password (and re-enables) the owner's existing one, hashing
   * the password into HA1 values. A (realm, user name) that belongs to another tenant or user is
   * refused with {@link SIP_USERNAME_TAKEN}: taking it would hand that account's phone calls over.
   */
  async set(input: SipCredentialInput, now: string): Promise<Result<void, Rejection>> {
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
    // One statement: the owner check and the write cannot be split by a concurrent `set`.
    const result = await this.db
      .insertInto('sip_credentials')
      .values({ realm: input.realm, username: input.username, created_at: now, ...values })
      .onConflict((oc) =>
        oc
          .columns(['realm', 'username'])
          .doUpdateSet(values)
          .where('sip_credentials.tenant_id', '=', input.tenantId)
          .where('sip_credentials.user_id', '=', input.userId),
      )
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) return ok(undefined);
    return err(
      rejection(SIP_USERNAME_TAKEN, 'The SIP user name belongs to another account', {
        realm: input.realm,
        username: input.username,
      }),
    );
  }
}
