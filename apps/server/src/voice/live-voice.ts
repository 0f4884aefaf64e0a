/**
 * The voice context over the real media layer: RTP legs, players and bridges of an in-process
 * {@link MediaService}, prompts synthesized once by espeak-ng, the demo flows, entry points and
 * queues from the routing tables, caller profiles from the CRM and agents' devices from the SIP
 * registrar. The composition root builds this, hands `media` and `voice.inbound` to call control
 * and `voice.telephony` to routing, then calls `voice.attach`.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { createFlowRegistry, demoShopFlow } from '@switchboard/ivr';
import type { Clock, IdGenerator, Timers } from '@switchboard/kernel';
import { createCustomers } from '../customers/customers';
import {
  MediaService,
  MediaWorkerPool,
  mediaThreadCounts,
  realtimeReport,
  type MediaCountsSource,
  type RtpPortPoolOptions,
} from '../media';
import { CallRecordings, recordingsRoot } from '../recordings/call-recordings';
import type { RecordingOutcome } from '../recordings/recording-metrics';
import { RecordingRepository } from '../recordings/recording-repository';
import type { RecordingsTables } from '../recordings/recordings-tables';
import { PromptSynthesizer } from '../prompts/prompt-synthesizer';
import { BusinessCalendarRepository } from '../routing-config/business-calendar-repository';
import type { BusinessCalendarTables } from '../routing-config/business-calendar-tables';
import { QueuePolicyRepository } from '../routing-config/queue-policy-repository';
import type { QueuePolicyTables } from '../routing-config/queue-policy-tables';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { RoutingConfigTables } from '../routing-config/routing-config-tables';
import type { Database, EventStore } from '../store';
import type { ContactLookup } from './registrar-agent-devices';
import { registrarAgentDevices } from './registrar-agent-devices';
import { screenPopProfiles } from './caller-profiles';
import { mediaVoicemailRecorder } from './media-voicemail-recorder';
import { MediaServicePort } from './media-service-port';
import { recordingsVoicemailStore } from './recordings-voicemail-store';
import { holdMusicClip, signalAudioFiles } from './signal-audio-files';
import { synthesizedPromptSource } from './synthesized-prompt-source';
import { CONFIGURATION_TTL_MS, tableCalendars, tableEntryPoints, tableQueues } from './table-directories';
import { createVoice, type Voice } from './voice';
import type { VoiceLogger } from './voice-deps';
import type { OutboundDialer, ScreenPopPublisher } from './voice-ports';

/** What {@link createLiveVoice} is built from. */
export interface LiveVoiceOptions {
  readonly database: Database;
  readonly store: Pick<EventStore, 'append'>;
  readonly dataDir: string;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly ids: IdGenerator;
  readonly logger: VoiceLogger;
  readonly registrar: ContactLookup;
  /** RTP sockets: the address to bind and the port range. */
  readonly rtp: RtpPortPoolOptions;
  /** The address our SDP advertises when it differs from the bound one (a wildcard bind). */
  readonly advertisedAddress?: string;
  /** Where agents' screen pops are pushed (the real-time context). */
  readonly screenPops?: ScreenPopPublisher;
  /** Callbacks' customers are dialed through it (`trunkOutboundDialer`); callbacks fail without it. */
  readonly dialer?: OutboundDialer;
  /** Media worker threads (`MEDIA_WORKERS`, ADR 0006); 0 or unset runs media in this thread. */
  readonly mediaWorkers?: number;
  /** SCHED_RR priority of the media worker threads (`MEDIA_REALTIME_PRIORITY`); 0 or unset: off. */
  readonly mediaRealtimePriority?: number;
  /** Each recording closed, failed or recovered (`registerRecordingMetrics`). */
  readonly onRecordingOutcome?: RecordingOutcome;
}

/** The running voice context and the media behind it. */
export interface LiveVoice {
  readonly voice: Voice;
  /** Call control's media port. */
  readonly media: MediaServicePort;
  /**
   * The recordings index. Run its `recover()` once at start-up, before calls are taken: it repairs
   * what a crash left behind.
   */
  readonly recordings: CallRecordings;
  /** What each media thread holds, for `/metrics`. */
  readonly mediaCounts: MediaCountsSource;
  /** Releases every RTP leg and finishes recordings (shutdown, after call control stopped). */
  close(): Promise<void>;
}

/** Builds the voice context over RTP media. */
export function createLiveVoice(o: LiveVoiceOptions): LiveVoice {
  // With workers, legs live there; this service keeps only the prompt library (prompt durations).
  const service = new MediaService({ ports: o.rtp });
  const realtimePriority = o.mediaRealtimePriority ?? 0;
  const workers =
    (o.mediaWorkers ?? 0) > 0
      ? new MediaWorkerPool({ workers: o.mediaWorkers, ports: o.rtp, realtimePriority })
      : undefined;
  workers?.on('worker-failed', (failure) => o.logger.error(failure, 'media worker failed; its calls ended'));
  if (workers && realtimePriority > 0) void reportRealtime(workers, realtimePriority, o.logger);
  const signals = signalAudioFiles(o.dataDir);
  const recordingIndex = new RecordingRepository(o.database.db as Kysely<RecordingsTables>);
  const recordings = new CallRecordings({
    repository: recordingIndex,
    root: recordingsRoot(o.dataDir),
    clock: o.clock,
    ids: o.ids,
    logger: o.logger,
    ...(o.onRecordingOutcome === undefined ? {} : { onOutcome: o.onRecordingOutcome }),
  });
  const media = new MediaServicePort({
    media: service,
    ...(workers === undefined
      ? {}
      : { workers, musicOnHoldPath: async () => (await signals.holdMusic()).path }),
    onRecordingClosed: (summary) =>
      void recordings
        .closed(summary)
        .catch((e: unknown) => o.logger.error({ err: e }, 'recording not indexed')),
    onRecordingFailed: (path, rejection) => o.logger.warn({ path, rejection }, 'recording failed to start'),
    // `voice` exists by the time a key press arrives: no call is up before it is built.
    onDigit: (legId, digit) => voice.digit(legId, digit),
    musicOnHold: holdMusicClip(signals, service.prompts),
    ...(o.advertisedAddress === undefined ? {} : { advertisedAddress: o.advertisedAddress }),
    // A browser agent's transport and audio: no audio or a failed transport is a fault to see.
    webrtc: {
      onEvent: (legId, event) =>
        event.type === 'rtp-timeout' || event.type === 'transport-failed' || event.type === 'answer-refused'
          ? o.logger.warn({ legId, ...event }, 'browser softphone media fault')
          : o.logger.info({ legId, ...event }, 'browser softphone media'),
    },
  });
  const routing = new RoutingConfigRepository(o.database.db as Kysely<RoutingConfigTables>);
  const customers = createCustomers({ database: o.database });
  const voice: Voice = createVoice({
    store: o.store,
    clock: o.clock,
    timers: o.timers,
    ids: o.ids,
    logger: o.logger,
    flows: createFlowRegistry([demoShopFlow]),
    entryPoints: tableEntryPoints({
      repository: routing,
      calendars: tableCalendars(
        new BusinessCalendarRepository(o.database.db as Kysely<BusinessCalendarTables>),
        { clock: o.clock, rememberMs: CONFIGURATION_TTL_MS },
      ),
      clock: o.clock,
      defaultFlowId: 'demo-shop',
      rememberMs: CONFIGURATION_TTL_MS,
    }),
    queues: tableQueues(routing, new QueuePolicyRepository(o.database.db as Kysely<QueuePolicyTables>)),
    profiles: screenPopProfiles(customers.screenPops),
    lookups: customers.lookups,
    devices: registrarAgentDevices(o.registrar),
    prompts: synthesizedPromptSource({
      synthesizer: new PromptSynthesizer({ dataDir: o.dataDir }),
      library: service.prompts,
      fileRoot: join(o.dataDir, 'prompt-files'),
    }),
    player: media.promptPlayer(),
    music: media.holdMusic(),
    voicemail: mediaVoicemailRecorder({
      legOf: (legId) => media.legOf(legId),
      workDir: join(o.dataDir, 'voicemail-work'),
      timers: o.timers,
    }),
    voicemailStore: recordingsVoicemailStore(recordings, recordingIndex),
    signals,
    // A voicemail is played once to one agent: its decoded audio is not kept with the prompts.
    releaseAudio: (path) => media.forgetPrompt(path),
    ...(o.dialer === undefined ? {} : { dialer: o.dialer }),
    // Every bridged call is recorded until queues carry a recording policy.
    recording: { recordingPathFor: (call) => recordings.begin(call) },
    ...(o.screenPops === undefined ? {} : { screenPops: o.screenPops }),
  });
  return {
    voice,
    media,
    recordings,
    mediaCounts: mediaThreadCounts(service, workers),
    close: async () => {
      await media.closeAll();
      service.closeAll();
    },
  };
}

/** Says once at start whether the media workers got the real-time priority asked for. */
async function reportRealtime(
  workers: MediaWorkerPool,
  priority: number,
  logger: VoiceLogger,
): Promise<void> {
  const report = realtimeReport(await workers.health(), priority, availableParallelism());
  logger[report.level](report.fields, report.message);
}
