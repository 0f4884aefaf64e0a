import type { Kysely } from 'kysely';
import type { Clock } from '@switchboard/kernel';
import { computeHa1, type DigestHash } from '@switchboard/sip';
import { DEMO_SHOP } from '../../demo/demo-shop';
import type { IdentityTables } from '../../identity/identity-tables';
import type { Database } from '../../store/database';
import type { TelephonyTables } from '../telephony-tables';
import { SipCredentialRepository } from './sip-credential-repository';

/** The published password of every demo phone: demo use only, like the demo logins. */
export const DEMO_SIP_PASSWORD = 'demo-phone';

/**
 * Demo phones: extension 1001–1005 belong to agent1–agent5 of the demo shop, 1090 to the supervisor
 * (listen, whisper and barge ring the supervisor's own phone).
 */
export const DEMO_SIP_EXTENSIONS: readonly { readonly extension: string; readonly agent: string }[] = [
  { extension: '1001', agent: 'agent1' },
  { extension: '1002', agent: 'agent2' },
  { extension: '1003', agent: 'agent3' },
  { extension: '1004', agent: 'agent4' },
  { extension: '1005', agent: 'agent5' },
  { extension: '1090', agent: 'supervisor' },
];

/** What {@link seedDemoSipCredentials} needs. */
export interface DemoSipSeedOptions {
  readonly database: Database;
  readonly realm: string;
  readonly clock: Clock;
  readonly hash: DigestHash;
}

/**
 * Gives the demo agents their phones' SIP credentials in `realm`, creating only what is missing, so
 * a password an admin has changed is never reset. Does nothing without the demo tenant. Returns the
 * number of credentials created.
 */
export async function seedDemoSipCredentials(options: DemoSipSeedOptions): Promise<number> {
  const now = new Date(options.clock.now()).toISOString();
  const identityDb = options.database.db as Kysely<IdentityTables>;
  const tenant = await identityDb
    .selectFrom('tenants')
    .select('id')
    .where('slug', '=', DEMO_SHOP.tenant.slug)
    .executeTakeFirst();
  if (tenant === undefined) return 0;
  const repo = new SipCredentialRepository(options.database.db as Kysely<TelephonyTables>, options.hash);
  let created = 0;
  for (const { extension, agent } of DEMO_SIP_EXTENSIONS) {
    const user = await identityDb
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenant.id)
      .where('username', '=', agent)
      .executeTakeFirst();
    if (user === undefined || (await repo.exists(options.realm, extension))) continue;
    const input = { realm: options.realm, username: extension, tenantId: tenant.id, userId: user.id };
    const stored = await repo.set({ ...input, password: DEMO_SIP_PASSWORD }, now);
    // Lost a race with another node seeding the same extension: it exists now, which is the goal.
    if (stored.ok) created++;
  }
  return created;
}

/** What {@link demoSipPhonesInUse} needs. */
export type DemoSipCheckOptions = Pick<DemoSipSeedOptions, 'database' | 'realm' | 'hash'>;

/**
 * Demo extensions in `realm` that are enabled and still accept the published {@link DEMO_SIP_PASSWORD}:
 * anyone who can reach the SIP port can register as them and take their agents' calls.
 */
export async function demoSipPhonesInUse(options: DemoSipCheckOptions): Promise<string[]> {
  const { realm, hash } = options;
  const repo = new SipCredentialRepository(options.database.db as Kysely<TelephonyTables>, hash);
  const inUse: string[] = [];
  for (const { extension } of DEMO_SIP_EXTENSIONS) {
    // `find` answers only for a usable account: enabled credential, user and tenant.
    const credential = await repo.find(realm, extension);
    const published = computeHa1(hash, 'MD5', extension, realm, DEMO_SIP_PASSWORD);
    if (credential?.ha1.MD5 === published) inUse.push(extension);
  }
  return inUse;
}

/** Lines for the start-up banner: how to register a demo phone. */
export function demoSipBanner(realm: string, host: string, port: number): string {
  const extensions = DEMO_SIP_EXTENSIONS.map((e) => `${e.extension} (${e.agent})`).join(', ');
  return [
    `  SIP phones: register to ${host}:${port} (UDP/TCP) or ws://<http>/sip, realm "${realm}"`,
    `    extensions ${extensions}, password ${DEMO_SIP_PASSWORD}`,
    '',
  ].join('\n');
}
