/**
 * The boundary between routing and the telephony layer (SIP, media). Routing decides; the
 * telephony layer carries the decision out on real devices and reports back through
 * {@link ContactService} (answered, ended, abandoned) or `ReportCallbackFailed`. Until the SIP and
 * media work lands, {@link noDeviceTelephony} only logs what would happen.
 */
import type { RoutingEffect } from '@switchboard/routing';

/** Who the effect is for: every call names the tenant, contacts and agents are tenant-scoped. */
interface Scoped {
  readonly tenantId: string;
  readonly contactId: string;
}

/**
 * What routing asks of devices and calls. Calls must return quickly: the routing host dispatches
 * after the events are stored and never waits on a device. A returned promise that rejects is
 * logged; the ring timeout (RONA) covers a device that never rings.
 */
export interface TelephonyPort {
  /** Ring the agent's registered phone or browser softphone until `until` (epoch ms). */
  ringAgent(request: Scoped & { agentId: string; channel: string; until: number }): void | Promise<void>;
  /** Stop ringing an offer that timed out or was withdrawn. */
  stopRinging(request: Scoped & { agentId: string }): void | Promise<void>;
  /** Dial the customer for a callback, with the reserved agent, until `until`. */
  placeCallback(
    request: Scoped & { agentId: string; callbackNumber: string; until: number },
  ): void | Promise<void>;
  /** Send the caller to the queue's voicemail (overflow). */
  sendToVoicemail(request: Scoped & { queueId: string }): void | Promise<void>;
  /** Hang up on the caller, after the named prompt when there is one (`queue-full`, `closed`…). */
  hangUp(request: Scoped & { prompt: string | null }): void | Promise<void>;
}

/** The slice of a pino logger effects need. */
export interface EffectLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A port for a server without devices: logs each request, so routing can run end to end. */
export function noDeviceTelephony(logger: EffectLogger): TelephonyPort {
  const log =
    (what: string) =>
    (request: object): void =>
      logger.info({ ...request }, `telephony not attached: would ${what}`);
  return {
    ringAgent: log('ring agent'),
    stopRinging: log('stop ringing'),
    placeCallback: log('place callback'),
    sendToVoicemail: log('send to voicemail'),
    hangUp: log('hang up'),
  };
}

/**
 * Carries out effects in order without waiting for them; a throwing or rejecting port is logged and
 * never reaches the routing host, which has already stored the facts.
 */
export function dispatchEffects(
  port: TelephonyPort,
  tenantId: string,
  effects: readonly RoutingEffect[],
  logger: EffectLogger,
): void {
  for (const effect of effects) {
    const failed = (error: unknown): void =>
      logger.error({ err: error, tenantId, effect }, 'telephony effect failed');
    try {
      const pending = callPort(port, tenantId, effect);
      if (pending instanceof Promise) pending.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}

function callPort(port: TelephonyPort, tenantId: string, effect: RoutingEffect): void | Promise<void> {
  switch (effect.type) {
    case 'RingAgent': {
      const { contactId, agentId, channel, until } = effect;
      return port.ringAgent({ tenantId, contactId, agentId, channel, until });
    }
    case 'StopRinging':
      return port.stopRinging({ tenantId, contactId: effect.contactId, agentId: effect.agentId });
    case 'PlaceCallback': {
      const { contactId, agentId, callbackNumber, until } = effect;
      return port.placeCallback({ tenantId, contactId, agentId, callbackNumber, until });
    }
    case 'SendToVoicemail':
      return port.sendToVoicemail({ tenantId, contactId: effect.contactId, queueId: effect.queueId });
    case 'HangUp':
      return port.hangUp({ tenantId, contactId: effect.contactId, prompt: effect.prompt });
  }
}
