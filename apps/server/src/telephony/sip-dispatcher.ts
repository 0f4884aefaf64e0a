import { SipMethod, type SipMessage, type SipRequest } from '@switchboard/sip';
import { optionsReply, capabilityHeaders, unsupportedExtensionReply } from './sip-capabilities';
import type { SipMetrics } from './sip-metrics';
import type { SipReply } from './sip-reply';
import type { StatelessResponder } from './stateless-responder';
import type { SipSource } from './transport/sip-transport';
import type { Registrar } from './registrar/registrar';

/**
 * Until calls can be routed, every INVITE gets `480 Temporarily Unavailable` (RFC 3261 §21.4.18):
 * the request is well-formed and the callee may exist, but nobody can be reached right now. It is
 * the same for every Request-URI, so it tells a scanner nothing about which numbers exist, and unlike
 * 404/501 it is not cached by the caller as a permanent failure.
 */
export const INVITE_NOT_ROUTABLE: SipReply = { status: 480, reason: 'Temporarily Unavailable' };

const KNOWN_METHODS = new Set<string>(Object.values(SipMethod));

/**
 * Answers requests statelessly (RFC 3261 §8.2.7) while the transaction layer is not yet wired:
 * REGISTER through the registrar, OPTIONS with the capabilities, INVITE with 480, CANCEL and BYE
 * with 481 (no transaction or dialog can exist), other known methods with 405 and unknown ones
 * with 501 (§8.2.1). ACKs are absorbed; responses match no client transaction and are dropped
 * (§18.1.2). This is the `SipMessageHandler` the transaction layer replaces.
 */
export class StatelessDispatcher {
  constructor(
    private readonly registrar: Registrar,
    private readonly responder: StatelessResponder,
    private readonly metrics: SipMetrics,
  ) {}

  /** The `SipMessageHandler`. */
  readonly handle = async (message: SipMessage, source: SipSource): Promise<void> => {
    if (message.kind === 'response') {
      this.metrics.dropped(source.protocol, 'stray_response');
      return;
    }
    if (message.method === SipMethod.ACK) return;
    const reply = await this.decide(message, source);
    this.responder.respond(message, source, reply);
  };

  private async decide(request: SipRequest, source: SipSource): Promise<SipReply> {
    // §8.2.2.1: only SIP URIs (and tel, which this server does not route) are understood.
    if (request.uri.kind !== 'sip') {
      return { status: 416, reason: 'Unsupported URI Scheme' };
    }
    const unsupported = unsupportedExtensionReply(request);
    if (unsupported !== undefined) return unsupported;
    switch (request.method) {
      case SipMethod.REGISTER:
        return this.registrar.register(request, source);
      case SipMethod.OPTIONS:
        return optionsReply();
      case SipMethod.INVITE:
        return INVITE_NOT_ROUTABLE;
      case SipMethod.CANCEL:
      case SipMethod.BYE:
        return { status: 481, reason: 'Call/Transaction Does Not Exist' };
      default:
        return KNOWN_METHODS.has(request.method)
          ? { status: 405, reason: 'Method Not Allowed', headers: capabilityHeaders().slice(0, 1) }
          : { status: 501, reason: 'Not Implemented' };
    }
  }
}
