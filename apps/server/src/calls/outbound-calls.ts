import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { CallContext } from './call-context';
import type { CommandOutcome, OriginateRequest } from './call-commands';
import { Leg } from './leg';
import { OriginateFork } from './originate-fork';
import { newCallId } from './outbound-invite';

/** Default ring timeout of an originated leg before RONA: 20 s, a common ACD setting. */
export const DEFAULT_RING_TIMEOUT_MS = 20_000;

/**
 * Outbound legs (RFC 3261 §13.2, UAC): a leg, our media offer, and an {@link OriginateFork} to the
 * targets. The forks in flight are kept until every branch has its final response.
 */
export class OutboundCalls {
  private readonly forks = new Set<OriginateFork>();

  constructor(
    private readonly ctx: CallContext,
    private readonly ringTimeoutMs: number = DEFAULT_RING_TIMEOUT_MS,
  ) {}

  /** Forks still waiting for final responses. */
  get size(): number {
    return this.forks.size;
  }

  /**
   * Creates the leg (`LegOffered` at once, so routing can correlate it before anything rings), opens
   * media for our offer and sends the INVITEs. A leg hung up while its media opened ends without
   * sending anything; the outcome still names it.
   */
  async originate(request: OriginateRequest): Promise<Result<CommandOutcome, Rejection>> {
    const { ctx } = this;
    if (request.targets.length === 0) return reject('CALLS.NO_TARGET', 'Originate needs at least one target');
    const callIds = request.targets.map(() => newCallId(ctx.core.layer, ctx.local));
    const role = request.role ?? 'agent';
    const leg = new Leg({ id: ctx.ids.next(), direction: 'outbound', role, callId: callIds[0]! });
    ctx.legs.add(leg);
    const id = request.callerId;
    ctx.emit({
      type: 'LegOffered',
      legId: leg.id,
      at: ctx.clock.now(),
      direction: 'outbound',
      role,
      callId: leg.callId,
      from:
        id.withheld === true
          ? 'sip:anonymous@anonymous.invalid'
          : `sip:${id.number}@${id.host ?? ctx.local.host}`,
      to: request.targets.map((t) => t.uri),
    });
    const opened = await ctx.media.open({
      legId: leg.id,
      ...(request.targets.every((t) => t.webrtc === true) ? { webrtc: true } : {}),
      ...(request.near === undefined ? {} : { near: request.near }),
    });
    if (leg.terminated) {
      if (opened.ok) ctx.media.release(opened.value.id);
      return ok({ legId: leg.id });
    }
    if (!opened.ok) {
      ctx.end(leg, { cause: 'media-failed', party: 'system' }, 'silent');
      return opened;
    }
    leg.endpoint = opened.value.id;
    const fork = new OriginateFork(ctx, leg, request, callIds, (f) => this.forks.delete(f));
    this.forks.add(fork);
    fork.start(opened.value.localSdp, request.timeoutMs ?? this.ringTimeoutMs);
    return ok({ legId: leg.id });
  }
}
