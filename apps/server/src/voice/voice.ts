/**
 * The voice context wired together: inbound calls from a trunk through the IVR into routing's
 * queues and on to agents' devices (ARCHITECTURE.md, "The life of an inbound call"). Call control
 * needs the inbound handler when it is built and routing needs the telephony port when it is
 * built, while the voice collaborators need both of them: so {@link createVoice} returns the two
 * seams first and {@link Voice.attach} completes the wiring once call control and the contact
 * service exist.
 */
import type { FlowRegistry } from '@switchboard/ivr';
import type { Clock, IdGenerator, Timers } from '@switchboard/kernel';
import type { CallControl, CallEvent, LegId } from '../calls';
import type { EventStore } from '../store';
import { AgentLegs } from './agent-legs';
import { CallEnding } from './call-ending';
import { CallJournal } from './call-journal';
import { CallKeypad } from './call-keypad';
import { CallQueue } from './call-queue';
import type { CallerProfiles } from './caller-profiles';
import { EntryPointCallHandler } from './entry-point-call-handler';
import { callOutcomes } from './ivr-outcomes';
import { IvrLauncher } from './ivr-launcher';
import type { IvrLookups } from './ivr-session';
import { LegAnnouncements } from './leg-announcements';
import { LegFacts } from './leg-facts';
import { OwedContacts } from './owed-contacts';
import { QueueAnnouncer } from './queue-announcer';
import { VoiceCalls } from './voice-calls';
import type { CallCommands, Contacts, VoiceLogger } from './voice-deps';
import type {
  AgentDevices,
  CallRecordingPolicy,
  EntryPointDirectory,
  HoldMusic,
  OutboundDialer,
  PromptPlayer,
  PromptSource,
  QueueDirectory,
  QueueStandings,
  ScreenPopPublisher,
  SignalAudio,
  VoicemailPort,
  VoicemailStore,
} from './voice-ports';
import { VoiceTelephony } from './voice-telephony';
import { VoicemailDesk } from './voicemail-desk';

/** What the voice context is built from. */
export interface VoiceOptions {
  readonly store: Pick<EventStore, 'append'>;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly ids: IdGenerator;
  readonly logger: VoiceLogger;
  readonly flows: FlowRegistry;
  readonly entryPoints: EntryPointDirectory;
  readonly queues: QueueDirectory;
  readonly profiles: CallerProfiles;
  readonly lookups: IvrLookups;
  readonly devices: AgentDevices;
  readonly prompts: PromptSource;
  readonly player: PromptPlayer;
  readonly music: HoldMusic;
  readonly voicemail: VoicemailPort;
  /** Where kept voicemails are filed (the recordings store). */
  readonly voicemailStore: VoicemailStore;
  /** The beep before a voicemail. */
  readonly signals: SignalAudio;
  /** Dials callbacks' customers through a trunk; callbacks fail at once without it. */
  readonly dialer?: OutboundDialer;
  /** Audio played once (a voicemail to an agent) is done with: caches may drop it. */
  readonly releaseAudio?: (path: string) => void;
  /** Extra device ring time past routing's deadline (routing's RONA decides first); default 2 s. */
  readonly ringGraceMs?: number;
  /** Where caller↔agent bridges are recorded; unrecorded without it. */
  readonly recording?: CallRecordingPolicy;
  /** Where agents' screen pops are pushed as their devices ring; none are without it. */
  readonly screenPops?: ScreenPopPublisher;
}

/** The running context. */
export interface Voice {
  /** For call control's `inbound` option. */
  readonly inbound: EntryPointCallHandler;
  /** For contact-flow's `telephony` option. */
  readonly telephony: VoiceTelephony;
  readonly journal: CallJournal;
  /**
   * Completes the wiring and subscribes to call events; returns the unsubscribe function.
   * `standings` (routing's positions and the statistics' estimates) feed the queue announcements;
   * without them waiting callers hear music only.
   */
  attach(
    control: Pick<CallControl, 'execute' | 'onEvent'>,
    contacts: Contacts,
    extras?: { readonly standings?: QueueStandings },
  ): () => void;
  /** A key the caller pressed on `legId`, seen by the media layer (RFC 4733). */
  digit(legId: LegId, digit: string): void;
  /** What is alive, for leak checks: all zero once every call is over. */
  activity(): VoiceActivity;
}

/** Collaborators with something alive; every figure is zero once every call is over. */
export interface VoiceActivity {
  readonly calls: number;
  readonly ivrSessions: number;
  readonly ivrOutstanding: number;
  /** Flows parked until their caller's conversation ends (after-call survey), and kept callers. */
  readonly ivrParked: number;
  readonly agentLegs: number;
  /** Queued callers with music or announcements. */
  readonly waiting: number;
  readonly voicemails: number;
  /** Legs of voicemail playbacks and callbacks. */
  readonly owedLegs: number;
}

/** Standings before `attach` names any: no announcement is made. */
const NO_STANDINGS: QueueStandings = { standingOf: async () => undefined };

/** Builds the voice context. */
export function createVoice(o: VoiceOptions): Voice {
  let control: CallCommands | undefined;
  let contactService: Contacts | undefined;
  const need = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error('voice used before attach()');
    return x;
  };
  const commands: CallCommands = { execute: (c) => need(control).execute(c) };
  const contacts: Contacts = {
    enqueue: (...a) => need(contactService).enqueue(...a),
    answer: (...a) => need(contactService).answer(...a),
    rejectOffer: (...a) => need(contactService).rejectOffer(...a),
    end: (...a) => need(contactService).end(...a),
    abandon: (...a) => need(contactService).abandon(...a),
    send: (...a) => need(contactService).send(...a),
  };
  const calls = new VoiceCalls();
  const journal = new CallJournal(o.store, o.ids, o.clock, o.logger);
  let standings = NO_STANDINGS;
  const announcer = new QueueAnnouncer({
    timers: o.timers,
    clock: o.clock,
    prompts: o.prompts,
    player: o.player,
    music: o.music,
    standings: { standingOf: (tenantId, contactId) => standings.standingOf(tenantId, contactId) },
    journal,
    logger: o.logger,
  });
  // Whoever stops the music (answer, voicemail, hang-up) ends the queue's announcements with it.
  const music: HoldMusic = announcer.holdMusic();
  const shared = { contacts, control: commands, journal, clock: o.clock, logger: o.logger, music };
  const announcements = new LegAnnouncements({ prompts: o.prompts, player: o.player, logger: o.logger });
  const agents = new AgentLegs({
    ...shared,
    calls,
    devices: o.devices,
    ...(o.ringGraceMs === undefined ? {} : { ringGraceMs: o.ringGraceMs }),
    ...(o.recording === undefined ? {} : { recording: o.recording }),
    ...(o.screenPops === undefined ? {} : { screenPops: o.screenPops }),
  });
  const owed = new OwedContacts({
    ...shared,
    timers: o.timers,
    signals: o.signals,
    devices: o.devices,
    profiles: o.profiles,
    store: o.voicemailStore,
    announcements,
    ...(o.dialer === undefined ? {} : { dialer: o.dialer }),
    ...(o.releaseAudio === undefined ? {} : { releaseAudio: o.releaseAudio }),
    ...(o.ringGraceMs === undefined ? {} : { ringGraceMs: o.ringGraceMs }),
    ...(o.recording === undefined ? {} : { recording: o.recording }),
    ...(o.screenPops === undefined ? {} : { screenPops: o.screenPops }),
  });
  const voicemail = new VoicemailDesk({
    ...shared,
    voicemail: o.voicemail,
    store: o.voicemailStore,
    signals: o.signals,
    announcements,
    offers: owed,
  });
  const queue = new CallQueue({ ...shared, queues: o.queues, announcer });
  const legFacts = new LegFacts({ calls, agents, journal, clock: o.clock, logger: o.logger });
  const ending = new CallEnding({ ...shared, calls, agents });
  const keypad = new CallKeypad({ calls, voicemail, contacts, logger: o.logger });
  const outcomes = callOutcomes({
    ...shared,
    queue,
    voicemail,
    queues: o.queues,
    ids: o.ids,
    // Called only when a flow ends, long after `ivr` below exists.
    released: (call) => ivr.release(call.legId),
    calls,
    ...(o.dialer === undefined ? {} : { dialer: o.dialer }),
  });
  const ivr = new IvrLauncher(calls, { ...o, journal, outcomes, logger: o.logger });
  const inbound = new EntryPointCallHandler({
    directory: o.entryPoints,
    profiles: o.profiles,
    calls,
    journal,
    clock: o.clock,
    ids: o.ids,
    keepAfterPartner: (legId, partnerEnded) => ivr.keepsCaller(legId, partnerEnded),
  });
  const telephony = new VoiceTelephony({
    calls,
    agents,
    owed,
    voicemail,
    queues: o.queues,
    announcements,
    contacts,
    control: commands,
    music,
    logger: o.logger,
  });
  return {
    inbound,
    telephony,
    journal,
    attach(callControl, contactsService, extras) {
      control = callControl;
      contactService = contactsService;
      if (extras?.standings !== undefined) standings = extras.standings;
      return callControl.onEvent((event: CallEvent) => {
        // The agent legs end the contact of an agent who hung up before the IVR resumes the kept
        // caller's flow (the survey), and the IVR sees a hang-up before the ending drops the call.
        agents.onEvent(event);
        ivr.onEvent(event);
        owed.onEvent(event);
        // Before the ending: a leg's last facts name its call while the call is still known.
        legFacts.onEvent(event);
        ending.onEvent(event);
        if (event.type === 'DtmfReceived') keypad.digit(event.legId, event.digit);
      });
    },
    digit: (legId, digit) => {
      ivr.digit(legId, digit);
      keypad.digit(legId, digit);
      owed.digit(legId, digit);
    },
    activity: () => ({
      calls: calls.size,
      ivrSessions: ivr.size,
      ivrOutstanding: ivr.outstanding,
      ivrParked: ivr.parkedSize,
      agentLegs: agents.size,
      waiting: announcer.size,
      voicemails: voicemail.size,
      owedLegs: owed.size,
    }),
  };
}
