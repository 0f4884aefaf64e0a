/**
 * The people on a live call, for the call-action tests: a customer on a baresip phone dialing the
 * demo hotline, agents on their desk phones logged in and ready, the event stream as an agent's
 * desktop receives it, and the audio each phone heard cut into the spans between actions.
 *
 * Every phone sends its own sine, so who hears whom is read from the power at each frequency. A
 * phone writes what it hears as packets arrive: its capture starts with the first packet, which
 * comes some time after the call is answered (the IVR prompt is being synthesized), and ends at the
 * hang-up. So a span of wall time is mapped onto a capture from its end, the moment the call was
 * seen ending, while the server sends without pause.
 */
import WebSocket from 'ws';
import { expect } from 'vitest';
import { startBaresip, type BaresipPhone } from '../support/baresip';
import { toneShare } from '../support/tone-analysis';
import type { ApiSession, LiveCenter } from './live-center';

/** A VIP of the demo shop (vipLevel 3): the hotline routes them to pre-sales without a menu. */
export const VIP_CALLER = '13912345678';
const HOTLINE = '4008001234';
const SAMPLES_PER_MS = 8;

/** A phone in a call, with the wall times its call was seen established and ending. */
export interface PhoneOnCall {
  readonly phone: BaresipPhone;
  readonly toneHz: number;
  establishedAt: number;
  endedAt: number;
}

/** An agent: their API session and their desk phone. */
export interface DeskAgent extends PhoneOnCall {
  readonly api: ApiSession;
}

/**
 * The customer's phone, sending a sine of `toneHz`; not registered, its INVITE reaches the hotline
 * over the loopback trunk. (Not for calls the server holds: see `BaresipPhone.heard`.)
 */
export function startCustomer(center: LiveCenter, toneHz: number): PhoneOnCall {
  const phone = startBaresip({
    user: VIP_CALLER,
    password: 'unused',
    serverPort: center.sipPort,
    transport: 'udp',
    register: false,
    source: { sineHz: toneHz },
  });
  return { phone, toneHz, establishedAt: 0, endedAt: 0 };
}

/** Dials the hotline and resolves once the IVR has answered. */
export async function dialHotline(center: LiveCenter, customer: PhoneOnCall): Promise<void> {
  // The console is read once baresip is up; its banner says so.
  await customer.phone.peer.waitFor(/baresip is ready/);
  customer.phone.dial(`sip:${HOTLINE}@127.0.0.1:${center.sipPort}`);
  await customer.phone.established();
  customer.establishedAt = Date.now();
}

/** Registers `extension` answering on its own and logs `username` in (and ready, unless told not). */
export async function startDeskAgent(
  center: LiveCenter,
  extension: string,
  username: string,
  toneHz: number,
  options: { ready?: boolean } = {},
): Promise<DeskAgent> {
  const phone = startBaresip({
    user: extension,
    password: 'demo-phone',
    serverPort: center.sipPort,
    transport: 'udp',
    answerMode: 'auto',
    source: { sineHz: toneHz },
  });
  await phone.registered();
  const api = await center.logIn(username, 'demo-agent');
  const agent = { phone, toneHz, api, establishedAt: 0, endedAt: 0 };
  if (options.ready !== false) await goReady(agent);
  return agent;
}

/** Logs the agent in to the ACD and makes them ready for calls. */
export async function goReady(agent: DeskAgent): Promise<void> {
  expect((await agent.api.post('/api/v1/agent/login')).status).toBe(200);
  expect((await agent.api.post('/api/v1/agent/ready')).status).toBe(200);
}

/** Resolves once the phone's `n`th call is established, noting when. */
export async function answered(party: PhoneOnCall, n = 1): Promise<void> {
  await party.phone.established(n);
  party.establishedAt = Date.now();
}

/** Resolves once the far end has ended the phone's `n`th call, noting when; the line says how. */
export async function hungUpOn(party: PhoneOnCall, n = 1): Promise<string> {
  const how = await party.phone.ended(n);
  party.endedAt = Date.now();
  return how;
}

/** Hangs up the phone's call itself. */
export function hangUp(party: PhoneOnCall): void {
  party.endedAt = Date.now();
  party.phone.hangUp();
}

/** The contact whose call was bridged to `agentId` (the customer's phone does not know it). */
export async function bridgedContact(center: LiveCenter, agentId: string): Promise<string> {
  const bridged = await center.waitForEvent(
    `CallBridged to ${agentId}`,
    (e) => e.type === 'CallBridged' && e.data.agentId === agentId,
    30_000,
  );
  return bridged.streamId.slice('contact-'.length);
}

/** What a user's `/api/v1/events` connection received. */
export interface EventStream {
  /** The `event` messages' names and data, in order. */
  readonly events: { readonly name: string; readonly data: Readonly<Record<string, unknown>> }[];
  /** Resolves with the first event named `name` (already received or still to come). */
  next(name: string, timeoutMs?: number): Promise<Readonly<Record<string, unknown>>>;
  close(): void;
}

/** Opens the event stream as `session` and resolves after its `hello`. */
export async function openEventStream(center: LiveCenter, session: ApiSession): Promise<EventStream> {
  const socket = new WebSocket(`${center.baseUrl.replace('http', 'ws')}/api/v1/events`, {
    headers: { cookie: session.cookie },
  });
  const events: { name: string; data: Record<string, unknown> }[] = [];
  const waiting = new Set<() => void>();
  let hello: () => void = () => undefined;
  const greeted = new Promise<void>((resolve, reject) => {
    hello = resolve;
    socket.once('error', reject);
    setTimeout(() => reject(new Error('no hello on the event stream within 10 s')), 10_000).unref();
  });
  socket.on('message', (raw: Buffer) => {
    const message = JSON.parse(raw.toString('utf8')) as {
      type: string;
      name?: string;
      data?: Record<string, unknown>;
    };
    if (message.type === 'hello') hello();
    if (message.type !== 'event') return;
    events.push({ name: message.name ?? '', data: message.data ?? {} });
    for (const w of waiting) w();
  });
  await greeted;
  return {
    events,
    next(name, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = events.find((e) => e.name === name);
          if (found === undefined) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve(found.data);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`no ${name} on the event stream; got ${events.map((e) => e.name).join(', ')}`));
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    },
    close: () => socket.close(),
  };
}

/**
 * Lets the parties talk for `ms`: the audio of a span needs time to flow, so this is a dwell, not
 * a wait for something to happen.
 */
export function talkFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * What `party` heard in wall time `[from, to)` (`samples` being its capture of the call that
 * ended at `party.endedAt`), trimmed by `settleMs` at the start (a change takes a few packets and
 * the jitter buffer to be heard) and by a little at the end.
 */
export function span(
  party: PhoneOnCall,
  samples: Int16Array,
  from: number,
  to: number,
  settleMs = 1000,
): Int16Array {
  expect(party.endedAt, 'the call was seen ending').toBeGreaterThan(0);
  const startedAt = party.endedAt - samples.length / SAMPLES_PER_MS;
  const start = Math.round(Math.max(0, from + settleMs - startedAt) * SAMPLES_PER_MS);
  const end = Math.round(Math.min(samples.length, (to - 500 - startedAt) * SAMPLES_PER_MS));
  expect(end - start, `a span of at least 1 s from ${from - startedAt} ms`).toBeGreaterThan(8000);
  return samples.subarray(start, end);
}

/** The share of each phone's tone in `samples`, rounded, for assertions that print what was heard. */
export function tonesIn(samples: Int16Array, parties: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(parties).map(([who, hz]) => [who, Math.round(toneShare(samples, hz) * 1000) / 1000]),
  );
}
