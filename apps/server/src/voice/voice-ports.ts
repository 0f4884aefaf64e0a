/**
 * The ports the voice context talks through. Each is small and named after what the inbound call
 * needs, so the IVR, queue and agent collaborators can be tested on a virtual clock and wired to
 * the real SIP, media, prompt and registrar code in the composition root.
 */
import type { Rejection, Result, TenantId } from '@switchboard/kernel';
import type { ScreenPopPayload } from '@switchboard/contracts';
import type { BusinessCalendar, CalendarState, PromptLanguage } from '@switchboard/ivr';
import type { CallerId, LegId, OriginateTarget } from '../calls';

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

/** The business calendar an entry point follows; `undefined`: open around the clock. */
export interface CalendarSource {
  calendarOf(tenantId: TenantId, entryPointId: string): Promise<BusinessCalendar | undefined>;
}

/** Dialed number → entry point; `undefined` for a number no tenant owns. */
export interface EntryPointDirectory {
  find(dialed: string): Promise<EntryPointMatch | undefined>;
}

/** What a caller waiting in a queue hears, from the queue's policy. */
export interface QueueSettings {
  /** Position and expected-wait announcements every this many seconds. */
  readonly announceEverySeconds: number;
  /** The first announcement, with a comfort prompt, this long after entering the queue. */
  readonly comfortDelaySeconds: number;
  /** Announcements offer "press 1 to keep your place and be called back". */
  readonly offerCallback: boolean;
  /** Longest voicemail when the queue overflows to voicemail. */
  readonly voicemailMaxSeconds: number;
  /** Answered calls of the queue are recorded. */
  readonly recordCalls: boolean;
}

/** A flow's queue name (`pre-sales`) → routing's queue id, within one tenant, and its settings. */
export interface QueueDirectory {
  queueIdOf(tenantId: TenantId, queue: string): Promise<string | undefined>;
  settingsOf(tenantId: TenantId, queueId: string): Promise<QueueSettings>;
}

/** Where a waiting contact stands: its place in line and, when the figures allow, the expected wait. */
export interface QueueStanding {
  /** 1 = next to be served. */
  readonly position: number;
  /** Undefined when unknown (no handled calls yet today, nobody staffed). */
  readonly expectedWaitSeconds?: number;
}

/** Live queue positions and wait estimates (routing's engine and the statistics projection). */
export interface QueueStandings {
  /** `undefined` when the contact is not waiting (ringing an agent, gone). */
  standingOf(tenantId: TenantId, contactId: string): Promise<QueueStanding | undefined>;
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
  /** The message ends after this much silence following speech. */
  readonly silenceSeconds: number;
}

/** Why a recording ended. */
export type VoicemailEnd = 'key' | 'silence' | 'max-length' | 'hang-up';

/** A finished voicemail recording (mono WAV), not yet kept or discarded. */
export interface VoicemailMessage {
  readonly path: string;
  readonly durationMs: number;
  /** How much of it was louder than silence: an empty message has (almost) none. */
  readonly voicedMs: number;
  readonly endedBy: VoicemailEnd;
}

/** A recording under way. */
export interface VoicemailTake {
  /** Ends the recording now (the caller pressed `#`). */
  stop(): void;
  /** Settles once when the recording ended; a rejection value when it could not record at all. */
  readonly finished: Promise<Result<VoicemailMessage, Rejection>>;
}

/**
 * Records a caller's message on their own leg until `#` ({@link VoicemailTake.stop}), silence,
 * `maxSeconds` or hang-up.
 */
export interface VoicemailPort {
  record(request: VoicemailRequest): VoicemailTake;
}

/** A kept voicemail, filed with the call recordings. */
export interface StoredVoicemail {
  readonly recordingId: string;
  /** The audited recordings endpoint serving the audio. */
  readonly audioUrl: string;
  /** Where the audio is now, for playing it to an agent. */
  readonly path: string;
  readonly durationMs: number;
}

/** Files voicemails with the recordings (kept) or deletes them (discarded). */
export interface VoicemailStore {
  keep(
    message: VoicemailMessage,
    owner: { readonly tenantId: TenantId; readonly contactId: string; readonly callId: string },
  ): Promise<StoredVoicemail>;
  discard(message: VoicemailMessage): Promise<void>;
  /** A kept voicemail by the contact it was filed under (after a restart, when memory is gone). */
  find(tenantId: TenantId, contactId: string): Promise<StoredVoicemail | undefined>;
}

/** The audio of short signals: the beep before a voicemail, the quiet after one played to an agent. */
export interface SignalAudio {
  beep(): Promise<PromptAudio>;
  /**
   * Digital silence as long as the tail after a voicemail played to an agent: packets keep coming,
   * so the phone plays out its jitter buffer (the message's end) before the leg is released.
   */
  voicemailTail(): Promise<PromptAudio>;
}

/** Where a call to an outside number goes: a trunk's originate target and the caller ID it takes. */
export interface OutboundRoute {
  readonly targets: readonly OriginateTarget[];
  readonly callerId: CallerId;
}

/**
 * Calls out through a tenant's trunk (callbacks). Refuses (`TELEPHONY.NO_OUTBOUND_TRUNK`, …) when
 * the tenant has no trunk that may dial `number`.
 */
export interface OutboundDialer {
  route(tenantId: TenantId, number: string): Promise<Result<OutboundRoute, Rejection>>;
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
