/**
 * The voice context's {@link AgentDevices} over the SIP registrar: an agent's devices are the live
 * contacts of their SIP accounts, rung over the flow each REGISTER came in on (a phone behind NAT
 * is reachable only there).
 */
import type { OriginateTarget } from '../calls';
import { deviceTarget } from '../telephony/registrar/contact-targets';
import type { RegisteredContact } from '../telephony/registrar/registrar';
import type { AgentDevices } from './voice-ports';

/** Looks up the registered contacts of a user of a tenant. */
export interface ContactLookup {
  contactsFor(tenantId: string, userId: string): Promise<readonly RegisteredContact[]>;
}

/**
 * Agent ids are user ids; contacts come most preferred first, as the registrar orders them. An
 * agent with a browser softphone (a contact registered over WebSocket) is rung there only: the
 * agent desktop is where they work, and one fork carries one kind of offer (WebRTC or plain
 * RTP), so a desk phone beside it is left alone.
 */
export function registrarAgentDevices(registrar: ContactLookup): AgentDevices {
  return {
    async targetsFor(tenantId, agentId): Promise<readonly OriginateTarget[]> {
      const targets = (await registrar.contactsFor(tenantId, agentId)).map(deviceTarget);
      const browsers = targets.filter((t) => t.webrtc === true);
      return browsers.length > 0 ? browsers : targets;
    },
  };
}
