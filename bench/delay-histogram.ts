// Delay histograms of the load generators (media-load-generator.ts, webrtc-browsers.ts), which
// send theirs to the bench as [bin, count] pairs to be merged there.

/** Histogram resolution shared by every generator and the bench that merges their histograms. */
export const HIST_BIN_MS = 0.05;
const HIST_BINS = 20_000;

/** Delay histogram: quantiles without keeping every sample. */
export class Histogram {
  readonly bins = new Uint32Array(HIST_BINS);
  count = 0;
  add(ms: number): void {
    this.bins[Math.min(HIST_BINS - 1, Math.max(0, Math.floor(ms / HIST_BIN_MS)))]!++;
    this.count++;
  }
  merge(pairs: readonly [number, number][]): void {
    for (const [bin, n] of pairs) {
      this.bins[bin]! += n;
      this.count += n;
    }
  }
  pairs(): [number, number][] {
    const out: [number, number][] = [];
    this.bins.forEach((n, bin) => n > 0 && out.push([bin, n]));
    return out;
  }
  quantile(q: number): number {
    let seen = 0;
    for (let i = 0; i < HIST_BINS; i++)
      if ((seen += this.bins[i]!) >= q * this.count) return (i + 1) * HIST_BIN_MS;
    return HIST_BINS * HIST_BIN_MS;
  }
}

/** Delays kept per stream, to be taken above each stream's fastest once the window closes. */
export class DelaySamples {
  private readonly delays: number[] = [];
  private readonly streams: number[] = [];
  add(stream: number, delayMs: number): void {
    this.delays.push(delayMs);
    this.streams.push(stream);
  }
  histogram(streamCount: number): Histogram {
    const best = new Float64Array(streamCount).fill(Infinity);
    this.delays.forEach((d, j) => (best[this.streams[j]!] = Math.min(best[this.streams[j]!]!, d)));
    const hist = new Histogram();
    this.delays.forEach((d, j) => hist.add(d - best[this.streams[j]!]!));
    return hist;
  }
}
