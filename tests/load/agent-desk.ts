/**
 * An agent's desktop as the load drives it: logs in over HTTP, listens to the agent's events on
 * `/api/v1/events`, logs in to routing ready, and after each call either completes wrap-up with a
 * disposition at once (`complete`) or leaves it to the queue's timed wrap-up to make the agent
 * ready again (`auto-ready`). When routing makes the agent not ready for an unanswered offer (RONA)
 * the desk goes ready again, as an agent at the desk would, and counts it.
 */
import WebSocket from 'ws';
import type { AgentStateView, ServerMessage } from '@switchboard/contracts';
import { ApiSession } from './load-server';

/** How the desk gets its agent ready again after a call. */
export type WrapUpHabit = 'complete' | 'auto-ready';

/** Disposition (小结) code the desks record. */
export const LOAD_DISPOSITION = 'load-test';

export class AgentDesk {
  /** Wrap-ups this desk completed, and completions routing refused. */
  completed = 0;
  completeRefused = 0;
  /** Times routing made the agent not ready after an unanswered offer. */
  ronas = 0;
  /** Calls that ended on the agent (`contact.ended` naming them). */
  callsEnded = 0;
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    readonly username: string,
    readonly habit: WrapUpHabit,
    readonly api: ApiSession,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (data) => this.onMessage(JSON.parse(String(data)) as ServerMessage));
  }

  get userId(): string {
    return this.api.userId;
  }

  /** Logs in, opens the event stream and logs in to routing ready for voice. */
  static async open(
    baseUrl: string,
    username: string,
    password: string,
    habit: WrapUpHabit,
  ): Promise<AgentDesk> {
    const api = await ApiSession.logIn(baseUrl, username, password);
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/events`, {
      headers: { cookie: api.cookie },
    });
    await helloOf(socket, username);
    const desk = new AgentDesk(username, habit, api, socket);
    const login = await api.post<AgentStateView>('/api/v1/agent/login', { ready: true });
    if (login.status !== 200 || login.body.channels[0]?.status !== 'ready')
      throw new Error(`${username} not logged in ready: ${login.status} ${JSON.stringify(login.body)}`);
    return desk;
  }

  /** The agent's routing state over HTTP. */
  async state(): Promise<AgentStateView> {
    const answer = await this.api.get<AgentStateView>('/api/v1/agent/state');
    if (answer.status !== 200) throw new Error(`${this.username}: state ${answer.status}`);
    return answer.body;
  }

  /** Waits for the wrap-up completions and ready requests already sent. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  close(): void {
    this.socket.close();
  }

  private onMessage(message: ServerMessage): void {
    if (message.type === 'resync') {
      // Events were dropped: whatever wrap-up is left is found over HTTP.
      this.track(this.sweep());
      return;
    }
    if (message.type !== 'event') return;
    if (message.name === 'contact.ended' && message.data.agentId === this.userId) {
      this.callsEnded++;
      // A wrap-up that does not end by itself is completed whatever the habit.
      const endsByItself = message.data.autoReady && message.data.wrapUpUntil !== null;
      if (this.habit === 'complete' || !endsByItself) this.track(this.complete(message.data.contactId));
    } else if (
      message.name === 'agent.not_ready' &&
      message.data.agentId === this.userId &&
      message.data.reason === 'RONA'
    ) {
      this.ronas++;
      this.track(this.ready());
    }
  }

  private async complete(contactId: string): Promise<void> {
    const done = await this.api.post('/api/v1/agent/wrap-up/complete', {
      contactId,
      dispositionCode: LOAD_DISPOSITION,
    });
    if (done.status === 200) this.completed++;
    else this.completeRefused++;
  }

  private async ready(): Promise<void> {
    await this.api.post('/api/v1/agent/ready', { channel: 'voice' });
  }

  private async sweep(): Promise<void> {
    const state = await this.state();
    for (const item of state.channels.flatMap((c) => c.contacts))
      if (item.phase === 'wrap-up' && this.habit === 'complete') await this.complete(item.contactId);
  }

  private track(work: Promise<void>): void {
    const p = work.finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}

/** Resolves on the server's `hello` (the socket is subscribed from then on). */
function helloOf(socket: WebSocket, username: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${username}: no hello on the event stream`)), 15_000);
    socket.once('message', (data) => {
      clearTimeout(timer);
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.type === 'hello') resolve();
      else reject(new Error(`${username}: expected hello, got ${message.type}`));
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
