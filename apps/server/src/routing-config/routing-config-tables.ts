/**
 * Row shapes of the contact-center routing configuration: what the ACD routes to (queues), by what
 * (skills an agent has, skills a queue requires) and where calls come in (entry points).
 */
export interface SkillsTable {
  id: string;
  tenant_id: string;
  /** Stable machine name, unique per tenant (`presales`). */
  code: string;
  name: string;
  created_at: string;
}

export interface QueuesTable {
  id: string;
  tenant_id: string;
  code: string;
  name: string;
  created_at: string;
}

/** Skills a queue requires, with the minimum level (技能等级, 1–10). */
export interface QueueSkillsTable {
  tenant_id: string;
  queue_id: string;
  skill_id: string;
  min_level: number;
}

/** Skills an agent (a user with the agent role) has, with a level 1–10. */
export interface AgentSkillsTable {
  tenant_id: string;
  user_id: string;
  skill_id: string;
  level: number;
}

/**
 * A dialed number (400/800 hotline, 95xxx short code) and what answers it. Numbers are unique across
 * tenants: the number alone tells an inbound INVITE which tenant it belongs to.
 */
export interface EntryPointsTable {
  id: string;
  tenant_id: string;
  number: string;
  name: string;
  /** IVR flow that answers; attached by the IVR work, null until then. */
  flow_id: string | null;
  created_at: string;
}

/** The routing configuration's tables, for `Kysely<RoutingConfigTables>`. */
export interface RoutingConfigTables {
  skills: SkillsTable;
  queues: QueuesTable;
  queue_skills: QueueSkillsTable;
  agent_skills: AgentSkillsTable;
  entry_points: EntryPointsTable;
}
