import { InProcessMediaBackend, WorkerMediaBackend, type MediaBackend } from '../media';
import { LegPlayback } from './leg-playback';
import type { MediaServicePortOptions } from './media-service-port-options';

/**
 * Where the media service port's legs, bridges, conferences and recordings run: on the media
 * worker threads when the options give a pool, else in process. In process, music on hold is a
 * loaded clip played by {@link LegPlayback}; workers load prompts themselves, so they are given
 * the music's path.
 */
export function mediaBackendOf(o: MediaServicePortOptions): MediaBackend {
  const onRecordingClosed = o.onRecordingClosed;
  const recordings = onRecordingClosed === undefined ? {} : { onRecordingClosed };
  const musicPath = o.musicOnHoldPath;
  return o.workers === undefined
    ? new InProcessMediaBackend({
        media: o.media,
        audio: (leg) => new LegPlayback(o.media, leg, o.musicOnHold),
        ...recordings,
      })
    : new WorkerMediaBackend({
        pool: o.workers,
        ...(musicPath === undefined
          ? {}
          : {
              musicOnHold: async () => {
                const path = await musicPath();
                return path === undefined ? undefined : { kind: 'prompt' as const, path };
              },
            }),
        ...recordings,
      });
}
