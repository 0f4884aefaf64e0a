/**
 * The ports the voice context talks through. Each is small and named after what the inbound call
 * needs, so the IVR, queue and agent collaborators can be tested on a virtual clock and wired to
 * the real SIP, media, prompt and registrar code in the composition root.
 */
import type { Rejection, Result, TenantId } from '@switchboard/kernel';
import type { ScreenPopPayload } from '@switchboard/contracts';
import type { CalendarState, PromptLanguage } from '@switchboard/ivr';
import type { LegId, OriginateTarget } from '../calls';

/** What a dialed number leads to: the tenant, the flow that answers and the calendar state. */
export interface EntryPointMatch {
  readonly tenantId: TenantId;
  readonly entryPointId: string;
  readonly number: string;
  readonly flowId: string;
  /** Pinned flow version; the latest published one when absent. */
  readonly flowVersion?: number;
  /** Business-hours state when the call arrives (open, holiday). */
  readonly calendar: CalendarState;
  /** Tenant time-zone offset from UTC in minutes, for time-of-day conditions (China: 480). */
  readonly utcOffsetMinutes: number;
}

/** Dialed number → entry point; `undefined` for a number no tenant owns. */
export interface EntryPointDirectory {
  find(dialed: string): Promise<EntryPointMatch | undefined>;
}

/** A flow's queue name (`pre-sales`) → routing's queue id, within one tenant. */
export interface QueueDirectory {
  queueIdOf(tenantId: TenantId, queue: string): Promise<string | undefined>;
}

/** Where an agent's devices can be rung: the registrar's contacts, as originate targets. */
export interface AgentDevices {
  targetsFor(tenantId: TenantId, agentId: string): Promise<readonly OriginateTarget[]>;
}

/** A rendered prompt, ready to play. */
export interface PromptAudio {
  readonly path: string;
  readonly durationMs: number;
}

/** Text-to-speech (or a library file) → audio; `PromptSynthesizer` answers the text half. */
export interface PromptSource {
  audioFor(
    tenantId: TenantId,
    prompt: { readonly text?: string; readonly file?: string; readonly language: PromptLanguage },
  ): Promise<PromptAudio>;
}

/** How a playback ended. */
export type PlaybackEnd = 'completed' | 'stopped' | 'failed';

/**
 * Plays audio to the caller's leg. `onEnd` is called exactly once per playback, unless the
 * playback was stopped with {@link PromptPlayer.stop} (the IVR already moved on).
 */
export interface PromptPlayer {
  play(legId: LegId, audio: PromptAudio, onEnd: (end: PlaybackEnd) => void): { stop(): void };
}

/** Music on hold while a caller waits in a queue. */
export interface HoldMusic {
  start(legId: LegId): void;
  stop(legId: LegId): void;
}

/** Which call is about to be bridged, for {@link CallRecordingPolicy}. */
export interface RecordedCallRef {
  readonly tenantId: TenantId;
  readonly contactId: string;
  readonly callId: string;
}

/**
 * Decides whether a caller↔agent bridge is recorded and where (a queue's recording policy belongs
 * here once queues have one). Resolves to the file to record to, or `undefined` not to record.
 */
export interface CallRecordingPolicy {
  recordingPathFor(call: RecordedCallRef): Promise<string | undefined>;
}

/** What a voicemail request names. */
export interface VoicemailRequest {
  readonly tenantId: TenantId;
  readonly contactId: string;
  readonly legId: LegId;
  readonly mailbox: string;
  readonly maxSeconds: number;
  readonly beep: boolean;
}

/** A finished voicemail. */
export interface VoicemailMessage {
  readonly path: string;
  readonly durationMs: number;
}

/**
 * Records a caller's message on their own leg. Resolves when the caller hangs up or `maxSeconds`
 * passed; a rejection (`VOICE.VOICEMAIL_UNAVAILABLE`) when recording is not possible.
 */
export interface VoicemailPort {
  record(request: VoicemailRequest): Promise<Result<VoicemailMessage, Rejection>>;
}

/** The screen pop of a contact whose offer now rings one agent's device. */
export interface OfferedScreenPop {
  readonly tenantId: TenantId;
  readonly contactId: string;
  readonly agentId: string;
  readonly screenPop: ScreenPopPayload;
}

/**
 * Pushes a screen pop to the agent being rung (the real-time context's WebSocket). Fire and
 * forget: a desktop that misses it still has the offer and the customer API, so it must never
 * hold up or fail the call.
 */
export interface ScreenPopPublisher {
  publish(pop: OfferedScreenPop): void;
}
