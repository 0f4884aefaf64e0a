/**
 * The demo hotline under load on the live server (issue 6, "End-to-end tests with real peers"):
 * 200 sipp callers at once (240 in all) dial 4008001234 through the demo IVR — VIPs straight to
 * pre-sales, the others pressing 2, 3 or 0 by SIP INFO or RFC 4733 — and 20 agents answer on
 * phones one sipp process registers and answers for. Some callers give up while queued. When
 * everything has ended, every call must be accounted for (answered, abandoned, voicemail or
 * callback) from the event log, no agent or contact may be left stuck, the real-time statistics
 * must equal the figures recomputed from the log, and sipp's counts must agree with the server's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatistics, QueueStatistics } from '@switchboard/contracts';
import {
  freeRtpPort,
  freeUdpPort,
  startSipp,
  type SippCall,
  type SippResult,
} from '../../apps/server/test/support/sipp';
import type { Running } from '../../apps/server/test/support/server-process';
import { AgentDesk, type WrapUpHabit } from './agent-desk';
import {
  ACCOUNTED,
  callbackContacts,
  callbacksOwed,
  callLedger,
  maxConcurrentCalls,
  type CallRecord,
} from './call-ledger';
import {
  callNumberOf,
  callsByLogKind,
  readCallerPlan,
  waitForLogLines,
  type PlannedCaller,
} from './caller-plan';
import { readEventLog, type LoggedEvent } from '../../apps/server/test/support/event-log';
import { createExtraAgents, EXTRA_AGENTS, writeSkillsAndPhones } from './extra-agents';
import { loadFigures } from './load-figures';
import { ApiSession, baseUrlOf, loadServerSettings, startLoadServer, stopLoadServer } from './load-server';
import { queueTotals, voicemailContactsWaiting } from './queue-totals';
import { waitForDrain } from './wait-for-drain';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
const HOTLINE = '4008001234';
const REALM = 'switchboard';
/** Callers alive at once, and in all (the 40 beyond the limit start as earlier calls end). */
const CONCURRENT = 200;
const CALLS = 240;
/** Agents 16–20 leave wrap-up to the queue's timed auto-ready; the others complete it at once. */
const AUTO_READY_FROM = 16;

const ROSTER = [
  ...Array.from({ length: 5 }, (_, i) => ({ username: `agent${i + 1}`, password: 'demo-agent' })),
  ...EXTRA_AGENTS.map((a) => ({ username: a.username, password: a.password })),
];

/** What the load left behind, gathered once every call has ended and every agent is ready. */
interface Outcome {
  readonly callers: SippResult;
  readonly events: readonly LoggedEvent[];
  readonly calls: readonly CallRecord[];
  readonly queues: readonly QueueStatistics[];
  readonly agents: readonly AgentStatistics[];
  /** Start of the statistics' "today" when they were read. */
  readonly dayStart: number;
  readonly queueIds: ReadonlyMap<string, string>;
}

describe('the demo hotline with 200 concurrent callers and 20 agents', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-load-'));
  const dbFile = join(dataDir, 'switchboard.db');
  const phonesLog = join(dataDir, 'phones.log');
  const callersLog = join(dataDir, 'callers.log');
  const plan = readCallerPlan(here('hotline-callers.csv'));
  let server: Running | undefined;
  let phones: SippCall | undefined;
  let callers: SippCall | undefined;
  const desks: AgentDesk[] = [];
  let outcome: Outcome;

  beforeAll(async () => {
    const started = Date.now();
    const settings = await loadServerSettings(dataDir);
    const baseUrl = baseUrlOf(settings);
    // First start: the demo shop is seeded and the admin creates agent6…agent20.
    server = await startLoadServer(settings);
    const admin = await ApiSession.logIn(baseUrl, 'admin', 'demo-admin');
    const tenantId = (await admin.get<{ tenant: { id: string } }>('/api/v1/me')).body.tenant.id;
    const userIds = await createExtraAgents(admin);
    expect(await stopLoadServer(server)).toBe(0);
    // Skills and phones have no admin API: the server's repositories write them.
    await writeSkillsAndPhones(dataDir, tenantId, REALM, userIds);
    server = await startLoadServer(settings);

    // All 20 phones are one sipp process: it registers every extension and answers the INVITEs
    // routing sends, which the server sends to the address each REGISTER came from.
    phones = startSipp({
      scenario: here('agent-phones.xml'),
      port: settings.sipPort,
      transport: 'udp',
      calls: ROSTER.length,
      limit: ROSTER.length,
      rate: ROSTER.length,
      localPort: await freeUdpPort(),
      mediaPort: await freeRtpPort(),
      args: [
        '-inf',
        here('agent-phones.csv'),
        '-oocsf',
        here('agent-phone-answers.xml'),
        ...logTo(phonesLog),
      ],
      timeoutMs: 300_000,
    });
    await waitForLogLines(phonesLog, 'registered', ROSTER.length, 20_000);
    for (const [i, agent] of ROSTER.entries()) {
      const habit: WrapUpHabit = i + 1 >= AUTO_READY_FROM ? 'auto-ready' : 'complete';
      desks.push(await AgentDesk.open(baseUrl, agent.username, agent.password, habit));
    }
    const supervisor = await ApiSession.logIn(baseUrl, 'supervisor', 'demo-supervisor');
    const queueList = await supervisor.get<{ id: string; code: string }[]>('/api/v1/queues');
    const queueIds = new Map(queueList.body.map((q) => [q.code, q.id]));
    const loadStarted = Date.now();

    callers = startSipp({
      scenario: here('hotline-callers.xml'),
      port: settings.sipPort,
      transport: 'udp',
      calls: CALLS,
      limit: CONCURRENT,
      rate: 50,
      localPort: await freeUdpPort(),
      mediaPort: await freeRtpPort(),
      args: ['-s', HOTLINE, '-inf', here('hotline-callers.csv'), ...logTo(callersLog)],
      timeoutMs: 150_000,
    });
    const callerResult = await callers.result;
    const loadEnded = Date.now();
    await waitForDrain(supervisor, desks, dbFile);
    const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const [queues, agents] = await Promise.all([
      supervisor.get<QueueStatistics[]>('/api/v1/stats/queues'),
      supervisor.get<AgentStatistics[]>('/api/v1/stats/agents'),
    ]);
    const events = readEventLog(dbFile);
    outcome = {
      callers: callerResult,
      events,
      calls: callLedger(events),
      queues: queues.body,
      agents: agents.body,
      dayStart,
      queueIds,
    };
    console.log(
      loadFigures({
        calls: outcome.calls,
        queues: outcome.queues,
        ronas: desks.reduce((n, d) => n + d.ronas, 0),
        sipp: callerResult,
        setupMs: loadStarted - started,
        loadMs: loadEnded - loadStarted,
      }),
    );
  }, 300_000);

  afterAll(async () => {
    for (const desk of desks) desk.close();
    await callers?.stop();
    await phones?.stop();
    const code = server === undefined ? 0 : await stopLoadServer(server);
    rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(0);
  });

  it('puts 200 callers on the server at once, every one of the 240 calls placed arriving', () => {
    expect(outcome.callers.exitCode, outcome.callers.output).toBe(0);
    expect(outcome.callers.successful).toBe(CALLS);
    expect(outcome.callers.failed).toBe(0);
    expect(outcome.calls).toHaveLength(CALLS);
    expect(outcome.events.filter((e) => e.type === 'CallRefused')).toEqual([]);
    expect(maxConcurrentCalls(outcome.calls)).toBeGreaterThanOrEqual(CONCURRENT);
  });

  it('accounts for every call as answered, abandoned, voicemail or callback, once', () => {
    for (const call of outcome.calls) {
      expect(call.ends, call.contactId).toHaveLength(1);
      expect(ACCOUNTED.has(call.outcome), `${call.contactId}: ${call.outcome}`).toBe(true);
      // Answered and abandoned are final: a contact is never both, nor either twice.
      const final = call.queueOutcomes.filter(
        (e) => e.type === 'ContactAnswered' || e.type === 'ContactAbandoned',
      );
      expect(final.length, call.contactId).toBeLessThanOrEqual(1);
    }
    const bridged = new Set(
      outcome.events.filter((e) => e.type === 'CallBridged').map((e) => e.data.contactId),
    );
    const answered = outcome.calls.filter((c) => c.outcome === 'answered');
    const unbridged = answered.filter((c) => !bridged.has(c.contactId));
    // Only a caller who hung up as the agent answered (the BYE crossed the agent's 200 OK) is
    // answered and never bridged; the server then hangs up the agent's leg (inbound-voice.test.ts).
    // Such crossings are rare; many would mean bridging itself fails.
    for (const call of unbridged)
      expect(call.ends[0]?.data, `${call.contactId} answered but not bridged`).toMatchObject({
        party: 'caller',
        stage: 'bridged',
      });
    expect(unbridged.length).toBeLessThanOrEqual(Math.ceil(answered.length / 50));
  });

  it('takes every caller to the queue their key (SIP INFO or RFC 4733) or VIP level chose', () => {
    for (const call of outcome.calls) {
      const planned = plannedOf(plan, call);
      expect(call.queuedTo[0], `${call.callId} (${planned.keyMode} ${planned.key})`).toBe(
        outcome.queueIds.get(planned.queue),
      );
      if (planned.key === undefined) {
        expect(call.menuKeys).toEqual([]);
        expect(call.priority).toBe(10);
      } else expect(call.menuKeys, `${call.callId} (${planned.keyMode})`).toEqual([planned.key]);
    }
  });

  it('shows real-time queue statistics equal to the figures recomputed from the event log', () => {
    const recomputed = queueTotals(outcome.events, outcome.dayStart);
    expect(outcome.queues.map((q) => q.queueId).sort()).toEqual([...recomputed.keys()].sort());
    for (const line of outcome.queues) {
      const own = recomputed.get(line.queueId)!;
      expect({ ...line.today }, line.name).toEqual(own);
    }
    const count = (o: CallRecord['outcome']) => outcome.calls.filter((c) => c.outcome === o).length;
    const total = (k: 'offered' | 'answered' | 'abandoned') =>
      outcome.queues.reduce((n, q) => n + q.today[k], 0);
    expect(total('answered')).toBe(count('answered'));
    // A caller who hung up while queued counts as abandoned in the queue, called back or not.
    const abandons = outcome.events.filter((e) => e.type === 'ContactAbandoned').length;
    expect(total('abandoned')).toBe(abandons);
    expect(count('abandoned') + count('callback')).toBe(abandons);
    expect(total('offered')).toBe(outcome.calls.filter((c) => c.queuedTo.length > 0).length);
  });

  it('counts each agent’s handled calls as the event log does', () => {
    const ended = new Map<string, number>();
    for (const e of outcome.events.filter((e) => e.type === 'ContactEnded'))
      ended.set(String(e.data.agentId), (ended.get(String(e.data.agentId)) ?? 0) + 1);
    expect(outcome.agents).toHaveLength(ROSTER.length);
    for (const line of outcome.agents) {
      expect(line.handled, line.displayName).toBe(ended.get(line.agentId) ?? 0);
      expect(line.handled, `${line.displayName} answered no call`).toBeGreaterThan(0);
    }
  });

  it('turns exactly the abandons the queue policy names into callbacks, and keeps count of them', () => {
    const callbacks = callbackContacts(outcome.events);
    expect(new Set(callbacks.map((c) => c.originContactId))).toEqual(callbacksOwed(outcome.events));
    // The wallboard counts voicemail contacts waiting for an agent among its callbacks waiting.
    const voicemails = voicemailContactsWaiting(outcome.events);
    for (const line of outcome.queues) {
      const pending = callbacks.filter((c) => c.queueId === line.queueId && c.pending).length;
      expect(line.callbacksWaiting, line.name).toBe(pending + (voicemails.get(line.queueId) ?? 0));
    }
  });

  it('leaves no agent reserved or on a call and no caller queued or ringing', async () => {
    for (const line of outcome.queues)
      expect({ waiting: line.waiting, ringing: line.ringing }, line.name).toEqual({ waiting: 0, ringing: 0 });
    for (const desk of desks) {
      const state = await desk.state();
      expect(state.loggedIn, desk.username).toBe(true);
      expect(
        state.channels.map((c) => [c.status, c.contacts.length]),
        desk.username,
      ).toEqual([['ready', 0]]);
    }
  });

  it('returns agents to ready after wrap-up, by completing it or by the timed auto-ready', () => {
    const dispositions = outcome.events.filter((e) => e.type === 'ContactDispositionRecorded');
    const wrapUpsEnded = outcome.events.filter((e) => e.type === 'AgentWrapUpEnded');
    const ended = outcome.events.filter((e) => e.type === 'ContactEnded');
    expect(wrapUpsEnded).toHaveLength(ended.length);
    for (const desk of desks) {
      expect(desk.completeRefused, desk.username).toBe(0);
      const mine = dispositions.filter((e) => e.data.agentId === desk.userId).length;
      expect(mine, desk.username).toBe(desk.habit === 'complete' ? desk.callsEnded : 0);
      expect(desk.completed, desk.username).toBe(mine);
    }
  });

  it('agrees with sipp on who hung up each call, and on the calls the phones answered', () => {
    const callerLog = callsByLogKind(callersLog);
    const endedBy = (party: string) =>
      outcome.calls
        .filter((c) => c.hungUpBy === party)
        .map((c) => c.callId)
        .sort();
    // sipp sees who sent the call's BYE: the caller, or the server (the agent's hang-up carried
    // over, or the flow after the post-call survey, which the caller may also leave first).
    const callEndedBy = (caller: boolean) =>
      outcome.calls
        .filter((c) => (c.ends[0]?.data.party === 'caller') === caller)
        .map((c) => c.callId)
        .sort();
    expect([...(callerLog.get('server-hung-up') ?? [])].sort()).toEqual(callEndedBy(false));
    expect([...(callerLog.get('caller-hung-up') ?? [])].sort()).toEqual(callEndedBy(true));
    const phoneLog = callsByLogKind(phonesLog);
    const answered = outcome.calls.filter((c) => c.outcome === 'answered');
    // The phones also answer the agent legs of callbacks: routing rings the agent before the
    // customer is dialed through the demo trunk, at most once per callback within the run.
    const callbacks = outcome.calls.filter((c) => c.outcome === 'callback').length;
    const phoneAnswered = (phoneLog.get('answered') ?? []).length;
    expect(phoneAnswered).toBeGreaterThanOrEqual(answered.length);
    expect(phoneAnswered).toBeLessThanOrEqual(answered.length + callbacks);
    const agentHungUp = (phoneLog.get('agent-hung-up') ?? []).length;
    expect(agentHungUp).toBeGreaterThanOrEqual(endedBy('agent').length);
    expect(agentHungUp).toBeLessThanOrEqual(endedBy('agent').length + callbacks);
    const callerEndedTalk = answered.filter((c) => c.hungUpBy === 'caller').length;
    const farEndHungUp = (phoneLog.get('caller-hung-up') ?? []).length;
    expect(farEndHungUp).toBeGreaterThanOrEqual(callerEndedTalk);
    expect(farEndHungUp).toBeLessThanOrEqual(callerEndedTalk + callbacks);
  });
});

/** sipp writes each call's `<log>` lines to `file`. */
function logTo(file: string): string[] {
  return ['-trace_logs', '-log_file', file];
}

/** The CSV line a call was placed from (sipp takes line N for call N). */
function plannedOf(plan: readonly PlannedCaller[], call: CallRecord): PlannedCaller {
  const planned = plan[(callNumberOf(call.callId) - 1) % plan.length];
  if (planned === undefined) throw new Error(`no planned caller for ${call.callId}`);
  return planned;
}
