/**
 * The voice context's {@link AgentDevices} over the SIP registrar: an agent's devices are the live
 * contacts of their SIP accounts, rung over the flow each REGISTER came in on (a phone behind NAT
 * is reachable only there).
 */
import type { OriginateTarget } from '../calls';
import type { RegisteredContact } from '../telephony/registrar/registrar';
import type { AgentDevices } from './voice-ports';

/** Looks up the registered contacts of a user of a tenant. */
export interface ContactLookup {
  contactsFor(tenantId: string, userId: string): Promise<readonly RegisteredContact[]>;
}

/** Agent ids are user ids; contacts come most preferred first, as the registrar orders them. */
export function registrarAgentDevices(registrar: ContactLookup): AgentDevices {
  return {
    async targetsFor(tenantId, agentId): Promise<readonly OriginateTarget[]> {
      const contacts = await registrar.contactsFor(tenantId, agentId);
      return contacts.map((c) => ({ uri: c.uri, destination: { host: c.flow.address, port: c.flow.port } }));
    },
  };
}
