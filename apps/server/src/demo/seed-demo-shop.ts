import type { Kysely } from 'kysely';
import type { Clock, IdGenerator, TenantId, UserId } from '@switchboard/kernel';
import type { Database } from '../store/database';
import { DepartmentRepository } from '../identity/department-repository';
import type { PasswordHasher } from '../identity/password-hasher';
import type { IdentityTables } from '../identity/identity-tables';
import { TenantRepository } from '../identity/tenant-repository';
import { UserRepository } from '../identity/user-repository';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { RoutingConfigTables } from '../routing-config/routing-config-tables';
import { DEMO_SHOP } from './demo-shop';
import { seedDemoQueueExperience } from './seed-demo-queue-experience';

export interface SeedOptions {
  readonly database: Database;
  readonly hasher: PasswordHasher;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  /** The hotline's daily hours when its calendar is first created; 09:00–21:00 by default. */
  readonly hours?: { readonly opens: string; readonly closes: string } | 'closed';
}

/** What seeding found or did. */
export interface SeedOutcome {
  readonly tenantId: TenantId;
  /** True when this call created the tenant (first start). */
  readonly created: boolean;
}

/**
 * Creates whatever part of the demo shop is missing, matching rows by natural key (tenant slug, user
 * name, department name, skill/queue code, hotline number). Running it again changes nothing, and it
 * never resets a password an admin has changed. One transaction: a crash leaves no half-seeded shop.
 */
export async function seedDemoShop(options: SeedOptions): Promise<SeedOutcome> {
  const now = new Date(options.clock.now()).toISOString();
  return options.database.db.transaction().execute(async (trx) => {
    // One transaction spans two contexts' tables; each repository sees its own typed view of it.
    const identityDb = trx as Kysely<IdentityTables>;
    const routingDb = trx as Kysely<RoutingConfigTables>;
    const tenants = new TenantRepository(identityDb);
    const existing = await tenants.findBySlug(DEMO_SHOP.tenant.slug);
    const tenantId = existing?.id ?? (options.ids.next() as TenantId);
    if (existing === undefined) await tenants.insert({ id: tenantId, ...DEMO_SHOP.tenant }, now);
    const departmentIds = await ensureDepartments(identityDb, tenantId, options, now);
    const userIds = await ensureUsers(identityDb, tenantId, departmentIds, options, now);
    await ensureRouting(routingDb, tenantId, userIds, options, now);
    await seedDemoQueueExperience(routingDb, tenantId, options.ids, now, options.hours);
    return { tenantId, created: existing === undefined };
  });
}

async function ensureDepartments(
  trx: Kysely<IdentityTables>,
  tenantId: TenantId,
  o: SeedOptions,
  now: string,
): Promise<string[]> {
  const repo = new DepartmentRepository(trx);
  const ids: string[] = [];
  for (const name of DEMO_SHOP.departments) {
    const found = await repo.findByName(tenantId, name);
    const id = found?.id ?? o.ids.next();
    if (found === undefined) await repo.insert({ id, tenantId, name, createdAt: now });
    ids.push(id);
  }
  return ids;
}

async function ensureUsers(
  trx: Kysely<IdentityTables>,
  tenantId: TenantId,
  departmentIds: string[],
  o: SeedOptions,
  now: string,
): Promise<Map<string, string>> {
  const repo = new UserRepository(trx);
  const ids = new Map<string, string>();
  for (const u of DEMO_SHOP.users) {
    const found = await repo.findForLogin(tenantId, u.username);
    if (found !== undefined) {
      ids.set(u.username, found.user.id);
      continue;
    }
    const id = o.ids.next() as UserId;
    const user = {
      id,
      tenantId,
      username: u.username,
      displayName: u.displayName,
      departmentId: departmentIds[u.department] ?? null,
      roles: u.roles,
      createdAt: now,
      disabledAt: null,
    };
    await repo.insert(user, await o.hasher.hash(u.password));
    ids.set(u.username, id);
  }
  return ids;
}

async function ensureRouting(
  trx: Kysely<RoutingConfigTables>,
  tenantId: TenantId,
  userIds: Map<string, string>,
  o: SeedOptions,
  now: string,
): Promise<void> {
  const repo = new RoutingConfigRepository(trx);
  const skillIds = new Map<string, string>();
  for (const s of DEMO_SHOP.skills) {
    const found = await repo.findSkillByCode(tenantId, s.code);
    const id = found?.id ?? o.ids.next();
    if (found === undefined) await repo.insertSkill(tenantId, { id, ...s }, now);
    skillIds.set(s.code, id);
  }
  for (const q of DEMO_SHOP.queues) {
    const found = await repo.findQueueByCode(tenantId, q.code);
    const id = found?.id ?? o.ids.next();
    if (found === undefined) await repo.insertQueue(tenantId, { id, code: q.code, name: q.name }, now);
    for (const r of q.requires) await repo.requireSkill(tenantId, id, skillIds.get(r.skill)!, r.minLevel);
  }
  for (const [username, skills] of Object.entries(DEMO_SHOP.agentSkills)) {
    const userId = userIds.get(username)!;
    for (const [code, level] of Object.entries(skills))
      await repo.grantSkill(tenantId, userId, skillIds.get(code)!, level);
  }
  for (const e of DEMO_SHOP.entryPoints) {
    // Another tenant may already own the number on a shared installation; then the demo goes without.
    if ((await repo.findEntryPointByNumber(e.number)) === undefined) {
      await repo.insertEntryPoint(
        tenantId,
        { id: o.ids.next(), number: e.number, name: e.name, flowId: null },
        now,
      );
    }
  }
}
