/**
 * Fifteen more agents for the demo shop (agent6…agent20), so 20 agents staff its two queues.
 * Users are created through the admin API. Skills and SIP credentials have no admin API yet
 * (`/api/v1/skills` only lists; `sip_credentials` is written only by the demo seed): those rows are
 * written with the server's own repositories while the server is stopped, on the data dir the test
 * owns.
 */
import type { Kysely } from 'kysely';
import type { TenantId } from '@switchboard/kernel';
import { DEMO_SHOP } from '../../apps/server/src/demo/demo-shop';
import { RoutingConfigRepository } from '../../apps/server/src/routing-config/routing-config-repository';
import { openDatabase } from '../../apps/server/src/store/database';
import { SipCredentialRepository } from '../../apps/server/src/telephony/registrar/sip-credential-repository';
import { nodeDigestHash } from '../../apps/server/src/telephony/sip-node-ports';
import type { TelephonyTables } from '../../apps/server/src/telephony/telephony-tables';
import type { ApiSession } from './load-server';

/** One added agent: login, phone, and the demo agent whose skills and department they share. */
export interface ExtraAgent {
  readonly username: string;
  readonly password: string;
  readonly extension: string;
  readonly sipPassword: string;
  readonly profileOf: string;
}

/** Password of every added agent's login. */
export const EXTRA_AGENT_PASSWORD = 'load-agent';
/** SIP password of the added phones (`agent-phones.csv` carries the same). */
export const EXTRA_PHONE_PASSWORD = 'load-phone';

/** agentN takes the skills of agent((N − 1) mod 5 + 1) and rings on extension 1000 + N. */
export const EXTRA_AGENTS: readonly ExtraAgent[] = Array.from({ length: 15 }, (_, i) => {
  const n = i + 6;
  return {
    username: `agent${n}`,
    password: EXTRA_AGENT_PASSWORD,
    extension: String(1000 + n),
    sipPassword: EXTRA_PHONE_PASSWORD,
    profileOf: `agent${((n - 1) % 5) + 1}`,
  };
});

interface UserView {
  readonly id: string;
  readonly username: string;
  readonly departmentId: string | null;
}

/**
 * Creates the users as an admin would (role `agent`, the department of the demo agent they copy)
 * and returns every user id by user name, demo users included.
 */
export async function createExtraAgents(admin: ApiSession): Promise<Map<string, string>> {
  const listed = await admin.get<UserView[]>('/api/v1/users');
  if (listed.status !== 200) throw new Error(`users not listed: ${listed.status}`);
  const byName = new Map(listed.body.map((u) => [u.username, u]));
  for (const agent of EXTRA_AGENTS) {
    const created = await admin.post<UserView>('/api/v1/users', {
      username: agent.username,
      displayName: `Load agent ${agent.username}`,
      password: agent.password,
      roles: ['agent'],
      departmentId: byName.get(agent.profileOf)?.departmentId ?? null,
    });
    if (created.status !== 201)
      throw new Error(`${agent.username} not created: ${created.status} ${JSON.stringify(created.body)}`);
    byName.set(agent.username, created.body);
  }
  return new Map([...byName].map(([name, u]) => [name, u.id]));
}

/**
 * Grants each added agent the skill levels of the demo agent they copy (so the same queues) and
 * stores their phone's SIP credential in `realm`. Run while no server has the database open.
 */
export async function writeSkillsAndPhones(
  dataDir: string,
  tenantId: string,
  realm: string,
  userIds: ReadonlyMap<string, string>,
): Promise<void> {
  const database = await openDatabase({ dataDir });
  try {
    const routing = new RoutingConfigRepository(database.db);
    const phones = new SipCredentialRepository(database.db as Kysely<TelephonyTables>, nodeDigestHash);
    const tenant = tenantId as TenantId;
    const skillIds = new Map((await routing.listSkills(tenant)).map((s) => [s.code, s.id]));
    const now = new Date().toISOString();
    for (const agent of EXTRA_AGENTS) {
      const userId = userIds.get(agent.username);
      if (userId === undefined) throw new Error(`${agent.username} has no user id`);
      for (const [code, level] of Object.entries(DEMO_SHOP.agentSkills[agent.profileOf] ?? {})) {
        const skillId = skillIds.get(code);
        if (skillId === undefined) throw new Error(`the demo shop has no skill ${code}`);
        await routing.grantSkill(tenant, userId, skillId, level);
      }
      const stored = await phones.set(
        { realm, username: agent.extension, tenantId, userId, password: agent.sipPassword },
        now,
      );
      if (!stored.ok) throw new Error(`phone ${agent.extension}: ${stored.error.message}`);
    }
  } finally {
    await database.close();
  }
}
