/**
 * What one caller's RTP leg plays: IVR prompts and music on hold, through one {@link Player} so
 * the two never send frames over each other. A prompt played while the music loops (a queue
 * announcement) pauses the music and the music resumes when the prompt ends. Prompt files are
 * loaded once through the media service's prompt library.
 */
import type { MediaLeg, MediaService, PlaybackItem, Player } from '../media';
import type { PlaybackEnd } from './voice-ports';

/** Music when nothing else is configured: silence still keeps the stream and NAT bindings alive. */
const HOLD_SILENCE: PlaybackItem = { kind: 'silence', durationMs: 1000 };

/** Prompts and music on hold of one leg. */
export class LegPlayback {
  private player: Player | undefined;
  private music: number | undefined;
  private musicWanted = false;
  private disposed = false;

  constructor(
    private readonly media: Pick<MediaService, 'player' | 'prompts'>,
    private readonly leg: MediaLeg,
    private readonly musicOnHold?: () => Promise<PlaybackItem | undefined>,
  ) {}

  /**
   * Plays the WAV at `path`; `onEnd` is called once when it completes or fails, never after the
   * returned handle's `stop()` (the IVR has moved on and expects no report).
   */
  playPrompt(path: string, onEnd: (end: PlaybackEnd) => void): { stop(): void } {
    let stopped = false;
    let playbackId: number | undefined;
    const end = (how: PlaybackEnd) => {
      if (stopped) return;
      stopped = true;
      this.resumeMusic();
      onEnd(how);
    };
    void this.media.prompts.get(path).then((clip) => {
      if (stopped) return;
      if (!clip.ok || this.disposed) return end('failed');
      // A looping item would hold the prompt back for ever: the music pauses for it.
      this.pauseMusic();
      const player = this.playerOf();
      playbackId = player.play({ kind: 'prompt', clip: clip.value });
      const onFinished = (e: { playbackId: number; reason: string }) => {
        if (e.playbackId !== playbackId) return;
        player.off('finished', onFinished);
        end(e.reason === 'completed' ? 'completed' : 'stopped');
      };
      player.on('finished', onFinished);
    });
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        if (playbackId !== undefined) this.player?.stop();
        this.resumeMusic();
      },
    };
  }

  private pauseMusic(): void {
    if (this.music === undefined) return;
    this.music = undefined;
    this.player?.stop();
  }

  /** Music wanted and not playing (paused for a prompt): loop it again. */
  private resumeMusic(): void {
    if (!this.musicWanted || this.music !== undefined || this.disposed) return;
    this.musicWanted = false;
    this.startMusic();
  }

  /** Loops the hold music until {@link stopMusic}; a second start does nothing. */
  startMusic(): void {
    if (this.musicWanted) return;
    this.musicWanted = true;
    const item = this.musicOnHold ? this.musicOnHold() : Promise.resolve(undefined);
    void item.then((music) => {
      if (!this.musicWanted || this.disposed || this.music !== undefined) return;
      this.music = this.playerOf().play(music ?? HOLD_SILENCE, { loop: true });
    });
  }

  stopMusic(): void {
    this.musicWanted = false;
    if (this.music === undefined) return;
    this.music = undefined;
    this.player?.stop();
  }

  /** Stops whatever plays (the leg is about to be bridged). */
  stopAll(): void {
    this.musicWanted = false;
    this.music = undefined;
    this.player?.stop();
  }

  /** Stops and detaches from the leg; nothing plays afterwards. */
  dispose(): void {
    this.disposed = true;
    this.musicWanted = false;
    this.player?.dispose();
    this.player = undefined;
  }

  private playerOf(): Player {
    this.player ??= this.media.player(this.leg);
    return this.player;
  }
}
