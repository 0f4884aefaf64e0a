import type { LegExtraCounters, MediaFault } from './media-leg-types';

/**
 * The `media-fault` reports of one leg ({@link MediaFault}): every refused send and failed receive
 * is counted, the first of each kind is reported, a send failure again once the remote changed
 * (a new remote may take what the old one could not), and nothing once the leg is closed.
 */
export class LegFaults {
  /** Kinds reported since the remote last changed. */
  private readonly reported = new Set<MediaFault['kind']>();
  private closed = false;

  constructor(
    private readonly counters: Pick<LegExtraCounters, 'sendErrors' | 'receiveErrors'>,
    private readonly report: (fault: MediaFault) => void,
  ) {}

  /** Counts a refused send or a failed receive and reports the first of its kind. */
  fault(kind: MediaFault['kind'], error: unknown): void {
    this.counters[kind === 'send' ? 'sendErrors' : 'receiveErrors']++;
    if (this.closed || this.reported.has(kind)) return;
    this.reported.add(kind);
    const code = (error as { code?: unknown } | undefined)?.code;
    const fault: MediaFault = {
      kind,
      code: typeof code === 'string' ? code : 'ERR_UNKNOWN',
      message: error instanceof Error ? error.message : String(error),
    };
    try {
      this.report(fault);
    } catch {
      // Reported from inside packet handlers and ticks: a listener's own bug must not escape here.
    }
  }

  /** The remote changed (signalling or latching): a send failure is news again. */
  remoteChanged(): void {
    this.reported.delete('send');
  }

  /** The leg closed: failures are still counted, no longer reported. */
  close(): void {
    this.closed = true;
  }
}
