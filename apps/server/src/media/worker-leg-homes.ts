import { MessageChannel } from 'node:worker_threads';
import { ok, type Rejection, type Result } from '@switchboard/kernel';
import type { MediaWorkerClient } from './media-worker-client';
import { RemoteLeg } from './remote-leg';
import type { WorkerLegHandle } from './worker-media-handles';

/**
 * Where each worker leg is mixed: on its own worker, unless a call on another worker took it in
 * (a supervisor joining, a third party added). Such a leg keeps its sockets on its own worker,
 * which exports its packets over a `MessageChannel` to the mixing worker (`LegExport` and
 * `RemoteLeg`); a leg moves again by being dropped there and exported anew.
 */
export class WorkerLegHomes {
  /** Legs mixed on another worker than their own, by leg id. */
  private readonly homes = new Map<string, MediaWorkerClient>();

  /** Legs mixed on another worker than their own now. */
  get size(): number {
    return this.homes.size;
  }

  /** The worker whose connections `leg` is in. */
  of(leg: WorkerLegHandle): MediaWorkerClient {
    return this.homes.get(leg.id) ?? leg.worker;
  }

  /** Makes `leg` part of `home`'s connections, exporting it there from its own worker if needed. */
  async bring(leg: WorkerLegHandle, home: MediaWorkerClient): Promise<Result<void, Rejection>> {
    const current = this.of(leg);
    if (current === home) return ok(undefined);
    if (current !== leg.worker) {
      current.notify({ op: 'drop-import', leg: leg.id });
      leg.worker.notify({ op: 'unexport', leg: leg.id });
      this.homes.delete(leg.id);
      if (home === leg.worker) return ok(undefined);
    }
    const { port1, port2 } = new MessageChannel();
    const imported = await home.request<undefined>(
      { op: 'import-leg', leg: leg.id, codec: leg.codec, port: port1 },
      [port1],
    );
    if (!imported.ok) {
      port2.close();
      return imported;
    }
    const exported = await leg.worker.request<undefined>({ op: 'export-leg', leg: leg.id, port: port2 }, [
      port2,
    ]);
    if (!exported.ok) {
      home.notify({ op: 'drop-import', leg: leg.id });
      return exported;
    }
    this.homes.set(leg.id, home);
    return ok(undefined);
  }

  /**
   * Exports `leg`'s packets to this thread (voicemail recording) until the returned stand-in is
   * closed; the leg leaves whatever call it was mixed in. One message per packet: for the odd leg.
   */
  async tap(leg: WorkerLegHandle, onClosed: () => void): Promise<Result<RemoteLeg, Rejection>> {
    const current = this.of(leg);
    if (current !== leg.worker) {
      current.notify({ op: 'drop-import', leg: leg.id });
      this.homes.delete(leg.id);
    }
    const { port1, port2 } = new MessageChannel();
    const exported = await leg.worker.request<undefined>({ op: 'export-leg', leg: leg.id, port: port2 }, [
      port2,
    ]);
    if (!exported.ok) {
      port1.close();
      return exported;
    }
    return ok(new RemoteLeg(leg.id, leg.codec, port1, () => performance.now(), onClosed));
  }

  /** The leg closed. */
  forget(legId: string): void {
    this.homes.delete(legId);
  }

  /** A worker died: the legs mixed there went with it. */
  forgetWorker(worker: MediaWorkerClient): void {
    for (const [leg, w] of this.homes) if (w === worker) this.homes.delete(leg);
  }
}
