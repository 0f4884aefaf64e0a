/**
 * The voice context's {@link AgentDevices} over the SIP registrar: an agent's devices are the live
 * contacts of their SIP accounts, rung over the flow each REGISTER came in on (a phone behind NAT
 * is reachable only there).
 */
import type { Destination } from '@switchboard/sip';
import type { OriginateTarget } from '../calls';
import type { RegisteredContact } from '../telephony/registrar/registrar';
import { flowOf } from '../telephony/transaction-transport';
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
      return contacts.map((c) => ({ uri: c.uri, destination: flowDestination(c) }));
    },
  };
}

/**
 * Where a registered contact is reached: the REGISTER's source address and port, over its
 * transport and, on TCP, TLS and WebSocket, over its very connection (RFC 5626 §5.3, RFC 7118 §5):
 * when that connection is gone the INVITE fails at once instead of going elsewhere.
 */
export function flowDestination(contact: Pick<RegisteredContact, 'flow'>): Destination {
  const { flow } = contact;
  const to = { host: flow.address, port: flow.port };
  // UDP is what a destination without a flow gets.
  return flow.protocol === 'UDP' ? to : { ...to, flow: flowOf(flow) };
}
