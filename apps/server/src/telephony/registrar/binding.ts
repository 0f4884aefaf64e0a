import type { NameAddr } from '@switchboard/sip';
import type { SipProtocol } from '../transport/sip-transport';

/** Which agent a binding belongs to: bindings are stored and looked up per (tenant, user). */
export interface BindingOwner {
  readonly tenantId: string;
  readonly userId: string;
}

/**
 * One registered contact (RFC 3261 §10.3): the address of record it binds, the Contact as
 * registered, when it expires, the Call-ID/CSeq that last touched it (for ordering, §10.3 step 7),
 * and the flow it came over, so a request can reach a phone behind NAT or a browser over its own
 * WebSocket connection (RFC 7118 §5).
 */
export interface Binding extends BindingOwner {
  /** `sip:<user>@<realm>`: one agent may hold several SIP accounts. */
  readonly aor: string;
  readonly contact: NameAddr;
  readonly expiresAt: number;
  readonly callId: string;
  readonly cseq: number;
  /** `q` preference in [0, 1]; 1 when absent (RFC 3261 §20.10). */
  readonly q: number;
  readonly flow: BindingFlow;
  readonly userAgent?: string;
  readonly updatedAt: number;
}

/** The transport, source address and connection a REGISTER arrived over. */
export interface BindingFlow {
  readonly protocol: SipProtocol;
  readonly address: string;
  readonly port: number;
  readonly connectionId?: string;
}

/** The address of record of a SIP account: `sip:<username>@<realm>` (RFC 3261 §10.2). */
export function aorOf(username: string, realm: string): string {
  return `sip:${username}@${realm}`;
}
