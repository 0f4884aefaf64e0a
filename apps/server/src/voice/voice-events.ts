/**
 * Facts of an inbound call that neither the IVR interpreter nor routing records: how the call
 * arrived, what happened on the agent's device, the bridge, voicemail, an agent ending the
 * conversation while the caller stays for the survey, and how the call ended.
 * With the IVR events and routing's contact events on the same `contact-<id>` stream, they make
 * the call-detail timeline (IVR path, queue wait, offers, answer, hang-up party and cause).
 */
import type { EventDraft } from '@switchboard/kernel';
import type { IvrEvent } from '@switchboard/ivr';
import type { CallQuality } from '@switchboard/media';
import type { HangUpCause, HangUpParty } from '../calls';

interface At {
  readonly at: number;
}

/** Every voice fact, one union for the call's part of the contact stream. */
export type VoiceEvent =
  | EventDraft<
      'CallArrived',
      At & {
        readonly contactId: string;
        readonly legId: string;
        readonly callId: string;
        readonly dialed: string;
        /** E.164 when identified, else as the trunk sent it. */
        readonly callerNumber: string;
        readonly entryPointId: string;
        readonly flowId: string;
        /** The entry point's business calendar when the call arrived. */
        readonly calendar: { readonly open: boolean; readonly holiday: boolean };
      }
    >
  | EventDraft<
      'CallRefused',
      At & {
        readonly legId: string;
        readonly callId: string;
        readonly dialed: string;
        readonly sipStatus: number;
      }
    >
  | EventDraft<
      'AgentDeviceRung',
      At & {
        readonly contactId: string;
        readonly agentId: string;
        readonly legId: string;
        readonly targets: number;
      }
    >
  | EventDraft<
      'AgentDeviceFailed',
      At & {
        readonly contactId: string;
        readonly agentId: string;
        readonly cause: HangUpCause | 'no-device';
        readonly sipStatus: number | null;
      }
    >
  | EventDraft<
      'CallBridged',
      At & {
        readonly contactId: string;
        readonly agentId: string;
        readonly callerLegId: string;
        readonly agentLegId: string;
      }
    >
  | EventDraft<
      'QueueAnnouncementPlayed',
      At & {
        readonly contactId: string;
        readonly position: number;
        /** Whole minutes as announced; null when the wait was unknown and not announced. */
        readonly expectedWaitMinutes: number | null;
        readonly language: string;
      }
    >
  | EventDraft<
      'VoicemailRecordingStarted',
      At & {
        readonly contactId: string;
        readonly mailbox: string;
        /** The caller's leg being recorded, from the end of the beep on. */
        readonly legId: string;
        readonly maxSeconds: number;
      }
    >
  | EventDraft<
      'VoicemailRecorded',
      At & {
        readonly contactId: string;
        readonly mailbox: string;
        readonly path: string;
        readonly durationMs: number;
        readonly endedBy: string;
        readonly recordingId: string;
        /** The contact agents are offered; null when no queue takes the mailbox's messages. */
        readonly voicemailContactId: string | null;
      }
    >
  | EventDraft<
      'VoicemailDiscarded',
      At & {
        readonly contactId: string;
        readonly mailbox: string;
        readonly reason: string;
        readonly durationMs: number;
      }
    >
  | EventDraft<
      'VoicemailFailed',
      At & { readonly contactId: string; readonly mailbox: string; readonly code: string }
    >
  | EventDraft<
      'VoicemailPlayed',
      At & { readonly contactId: string; readonly agentId: string; readonly legId: string }
    >
  | EventDraft<
      'VoicemailReplayed',
      At & { readonly contactId: string; readonly agentId: string; readonly legId: string }
    >
  | EventDraft<
      'CallbackDialed',
      At & {
        readonly contactId: string;
        readonly agentId: string;
        readonly agentLegId: string;
        readonly customerLegId: string;
      }
    >
  | EventDraft<
      'CallbackFailed',
      At & {
        readonly contactId: string;
        readonly agentId: string;
        readonly cause: string;
        readonly sipStatus: number | null;
      }
    >
  | EventDraft<
      'CallTransferredOut',
      At & { readonly contactId: string; readonly number: string; readonly legId: string }
    >
  | EventDraft<
      'CallTransferRefused',
      At & { readonly contactId: string; readonly number: string; readonly reason: string }
    >
  | EventDraft<
      'CallConversationEnded',
      At & {
        readonly contactId: string;
        readonly agentId: string;
        readonly agentLegId: string;
        /** Always the agent: a caller hanging up ends the call itself (`CallEnded`). */
        readonly party: HangUpParty;
        readonly cause: HangUpCause;
        /** The flow node the caller is taken to (the post-call survey). */
        readonly resumeAt: string;
      }
    >
  | EventDraft<'LegAudioLost', At & LegAudioFact>
  | EventDraft<'LegAudioRestored', At & LegAudioFact>
  | EventDraft<
      'LegMediaFault',
      At & {
        readonly contactId: string;
        readonly legId: string;
        readonly party: 'caller' | 'agent';
        /** The agent whose leg it was, for the agent's leg. */
        readonly agentId?: string;
        /**
         * `send`: the server could not send to the party, and the call was ended (`media-failed`);
         * `receive`: a packet from the party was lost, the call went on.
         */
        readonly kind: 'send' | 'receive';
        /** Stable error code (e.g. `ERR_SOCKET_DGRAM_NOT_RUNNING`). */
        readonly code: string;
      }
    >
  | EventDraft<
      'LegMediaQuality',
      At & {
        readonly contactId: string;
        readonly legId: string;
        readonly party: 'caller' | 'agent';
        /** The agent whose leg it was, for the agent's leg. */
        readonly agentId?: string;
        /** Loss, jitter and MOS each way over the leg's life, and the round trip. */
        readonly quality: CallQuality;
      }
    >
  | EventDraft<
      'AgentDeviceRejoined',
      At & {
        readonly contactId: string;
        readonly agentId: string;
        readonly legId: string;
        /** The Call-ID of the device's new dialog (INVITE with Replaces, RFC 3891). */
        readonly sipCallId: string;
      }
    >
  | EventDraft<
      'CallEnded',
      At & {
        readonly contactId: string;
        readonly legId: string;
        readonly party: HangUpParty;
        readonly cause: HangUpCause;
        readonly sipStatus: number | null;
        /** Where the call was when it ended. */
        readonly stage: CallStage;
      }
    >;

/**
 * No RTP from one side of the call for `silentForMs` (`LegAudioLost`), or RTP back after it
 * (`LegAudioRestored`, the whole gap): the caller's or the agent's leg, by the media watchdog.
 */
export interface LegAudioFact {
  readonly contactId: string;
  readonly legId: string;
  readonly party: 'caller' | 'agent';
  /** The agent whose device went quiet, for the agent's leg. */
  readonly agentId?: string;
  /** What we stopped receiving: the leg's far end sends nothing. */
  readonly direction: 'inbound';
  readonly silentForMs: number;
}

/**
 * Where an inbound call is in its life. `after-call`: the agent hung up and the caller stayed on the
 * line for the rest of the flow (a satisfaction survey); the contact has already ended.
 */
export type CallStage =
  'ivr' | 'queued' | 'ringing' | 'bridged' | 'after-call' | 'voicemail' | 'transferred' | 'done';

/** What the voice context appends: its own facts and the IVR's. */
export type CallTimelineEvent = VoiceEvent | IvrEvent;
