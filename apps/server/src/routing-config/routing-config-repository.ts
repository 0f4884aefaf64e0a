import type { Kysely } from 'kysely';
import type { TenantId } from '@switchboard/kernel';
import type {
  EntryPointsTable,
  QueuesTable,
  RoutingConfigTables,
  SkillsTable,
} from './routing-config-tables';

export interface Skill {
  readonly id: string;
  readonly code: string;
  readonly name: string;
}

export interface Queue {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly requiredSkills: { readonly skillId: string; readonly code: string; readonly minLevel: number }[];
}

export interface EntryPoint {
  readonly id: string;
  readonly number: string;
  readonly name: string;
  readonly flowId: string | null;
}

/** Reads and writes the routing configuration of one tenant at a time. */
export class RoutingConfigRepository {
  constructor(private readonly db: Kysely<RoutingConfigTables>) {}

  async listSkills(tenantId: TenantId): Promise<Skill[]> {
    const rows = await this.db
      .selectFrom('skills')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('code')
      .execute();
    return rows.map(toSkill);
  }

  async listQueues(tenantId: TenantId): Promise<Queue[]> {
    const rows = await this.db
      .selectFrom('queues')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('code')
      .execute();
    const requirements = await this.db
      .selectFrom('queue_skills as qs')
      .innerJoin('skills as s', 's.id', 'qs.skill_id')
      .select(['qs.queue_id', 'qs.skill_id', 's.code', 'qs.min_level'])
      .where('qs.tenant_id', '=', tenantId)
      .orderBy('s.code')
      .execute();
    return rows.map((row: QueuesTable) => ({
      id: row.id,
      code: row.code,
      name: row.name,
      requiredSkills: requirements
        .filter((r) => r.queue_id === row.id)
        .map((r) => ({ skillId: r.skill_id, code: r.code, minLevel: Number(r.min_level) })),
    }));
  }

  /** Tenants that have at least one queue: the ones whose routing must run. */
  async listRoutingTenants(): Promise<TenantId[]> {
    const rows = await this.db.selectFrom('queues').select('tenant_id').distinct().execute();
    return rows.map((r) => r.tenant_id as TenantId);
  }

  /** Skill levels per agent (user id → skill code → level), for logging agents in to routing. */
  async listAgentSkills(tenantId: TenantId): Promise<Map<string, Record<string, number>>> {
    const rows = await this.db
      .selectFrom('agent_skills as a')
      .innerJoin('skills as s', 's.id', 'a.skill_id')
      .select(['a.user_id', 's.code', 'a.level'])
      .where('a.tenant_id', '=', tenantId)
      .execute();
    const byAgent = new Map<string, Record<string, number>>();
    for (const row of rows) {
      const skills = byAgent.get(row.user_id) ?? {};
      skills[row.code] = Number(row.level);
      byAgent.set(row.user_id, skills);
    }
    return byAgent;
  }

  async listEntryPoints(tenantId: TenantId): Promise<EntryPoint[]> {
    const rows = await this.db
      .selectFrom('entry_points')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('number')
      .execute();
    return rows.map(toEntryPoint);
  }

  async findSkillByCode(tenantId: TenantId, code: string): Promise<Skill | undefined> {
    const row = await this.db
      .selectFrom('skills')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('code', '=', code)
      .executeTakeFirst();
    return row && toSkill(row);
  }

  async findQueueByCode(tenantId: TenantId, code: string): Promise<{ id: string } | undefined> {
    return this.db
      .selectFrom('queues')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('code', '=', code)
      .executeTakeFirst();
  }

  /** Any tenant's entry point with this number: numbers are globally unique. */
  async findEntryPointByNumber(number: string): Promise<(EntryPoint & { tenantId: TenantId }) | undefined> {
    const row = await this.db
      .selectFrom('entry_points')
      .selectAll()
      .where('number', '=', number)
      .executeTakeFirst();
    return row && { ...toEntryPoint(row), tenantId: row.tenant_id as TenantId };
  }

  async insertSkill(tenantId: TenantId, skill: Skill, createdAt: string): Promise<void> {
    await this.db
      .insertInto('skills')
      .values({
        id: skill.id,
        tenant_id: tenantId,
        code: skill.code,
        name: skill.name,
        created_at: createdAt,
      })
      .execute();
  }

  async insertQueue(
    tenantId: TenantId,
    queue: { id: string; code: string; name: string },
    createdAt: string,
  ): Promise<void> {
    await this.db
      .insertInto('queues')
      .values({
        id: queue.id,
        tenant_id: tenantId,
        code: queue.code,
        name: queue.name,
        created_at: createdAt,
      })
      .execute();
  }

  /** Adds a queue requirement unless the queue already requires that skill. */
  async requireSkill(tenantId: TenantId, queueId: string, skillId: string, minLevel: number): Promise<void> {
    await this.db
      .insertInto('queue_skills')
      .values({ tenant_id: tenantId, queue_id: queueId, skill_id: skillId, min_level: minLevel })
      .onConflict((oc) => oc.columns(['queue_id', 'skill_id']).doNothing())
      .execute();
  }

  /** Gives an agent a skill unless they already have it (an existing level is kept). */
  async grantSkill(tenantId: TenantId, userId: string, skillId: string, level: number): Promise<void> {
    await this.db
      .insertInto('agent_skills')
      .values({ tenant_id: tenantId, user_id: userId, skill_id: skillId, level })
      .onConflict((oc) => oc.columns(['user_id', 'skill_id']).doNothing())
      .execute();
  }

  async insertEntryPoint(tenantId: TenantId, entry: EntryPoint, createdAt: string): Promise<void> {
    await this.db
      .insertInto('entry_points')
      .values({
        id: entry.id,
        tenant_id: tenantId,
        number: entry.number,
        name: entry.name,
        flow_id: entry.flowId,
        created_at: createdAt,
      })
      .execute();
  }
}

function toSkill(row: SkillsTable): Skill {
  return { id: row.id, code: row.code, name: row.name };
}

function toEntryPoint(row: EntryPointsTable): EntryPoint {
  return { id: row.id, number: row.number, name: row.name, flowId: row.flow_id };
}
