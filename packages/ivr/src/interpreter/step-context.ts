import type { Flow, FlowNode, Scalar } from '../flow/flow-types';
import { own } from '../flow/flow-types';
import type { FlowRegistry } from '../flow/flow-registry';
import type { PredicateInput } from '../flow/predicate';
import type { Prompt } from '../flow/prompt';
import { renderTemplate, type ValueScope } from '../flow/template';
import type { NodeContext } from '../nodes/node-module';
import type { IvrEffect, IvrEndReason } from './ivr-effect';
import type { IvrEvent, IvrEventData, IvrEventType, NodePosition } from './ivr-event';
import { MAX_TYPE_AHEAD, type IvrState, type NodeWait } from './ivr-state';

/** What the interpreter needs from the server besides inputs. */
export interface IvrEnvironment {
  readonly flows: FlowRegistry;
  /** Node entries allowed while handling one input before the call is ended as `flow-loop` (100). */
  readonly maxTransitionsPerInput?: number;
  /** Nested subflow calls allowed (8). */
  readonly maxSubflowDepth?: number;
}

/** The result of one step. Effects are in the order the server must carry them out. */
export interface IvrStep {
  readonly state: IvrState;
  readonly effects: readonly IvrEffect[];
  readonly events: readonly IvrEvent[];
}

type Draft = { -readonly [K in keyof IvrState]: IvrState[K] };

/**
 * One step in progress: a private copy of the state plus the effects and events so far. Mutation
 * stays inside the step; the caller only ever sees the immutable state `finish` returns.
 */
export class StepContext implements NodeContext {
  private readonly s: Draft;
  private readonly out: IvrEffect[] = [];
  private readonly log: IvrEvent[] = [];
  private transitions = 0;

  constructor(
    state: IvrState,
    private readonly env: IvrEnvironment,
    now: number | undefined,
  ) {
    this.s = { ...state };
    if (now !== undefined && Number.isFinite(now)) this.s.now = now;
  }

  get state(): IvrState {
    return this.s;
  }

  get running(): boolean {
    return this.s.phase === 'running';
  }

  get maxSubflowDepth(): number {
    return this.env.maxSubflowDepth ?? 8;
  }

  get wait(): NodeWait | null {
    return this.s.wait;
  }

  set wait(w: NodeWait | null) {
    this.s.wait = w;
  }

  get position(): NodePosition {
    const f = this.s.frames[this.s.frames.length - 1];
    return { flowId: f?.flowId ?? '', version: f?.version ?? 0, nodeId: this.s.nodeId ?? '' };
  }

  /** Overwrites state fields (start of a call). */
  patch(fields: Partial<IvrState>): void {
    Object.assign(this.s, fields);
  }

  flow(): Flow | undefined {
    const f = this.s.frames[this.s.frames.length - 1];
    return f && this.env.flows.get(f.flowId, f.version);
  }

  currentNode(): FlowNode | undefined {
    const flow = this.flow();
    return flow && this.s.nodeId !== null ? own(flow.nodes, this.s.nodeId) : undefined;
  }

  /** Counts a node entry; false once the per-input budget is spent. */
  countTransition(): boolean {
    this.transitions += 1;
    return this.transitions <= (this.env.maxTransitionsPerInput ?? 100);
  }

  /** Leaves the current node (releasing its prompt, timer and lookup) and enters `nodeId`. */
  moveTo(nodeId: string): FlowNode | undefined {
    this.release();
    this.s.wait = null;
    this.s.nodeId = nodeId;
    const node = this.currentNode();
    if (node) this.push({ type: 'IvrNodeEntered', data: { ...this.position, nodeType: node.type } });
    return node;
  }

  scope(): ValueScope {
    return { vars: this.s.vars, caller: this.s.caller, attributes: this.s.attributes };
  }

  predicateInput(): PredicateInput {
    return {
      scope: this.scope(),
      calendar: this.s.calendar,
      localMs: this.s.now + this.s.utcOffsetMinutes * 60_000,
    };
  }

  render(template: string): string {
    return renderTemplate(template, this.scope());
  }

  play(prompt: Prompt): void {
    this.stopPrompt();
    const promptId = this.nextId('p');
    const bargeIn = prompt.bargeIn ?? true;
    const source = 'tts' in prompt ? { text: this.render(prompt.tts) } : { file: prompt.file };
    this.effect({ type: 'PlayPrompt', promptId, ...source, language: prompt.language ?? 'zh', bargeIn });
    this.s.playing = { promptId, bargeIn };
  }

  /** True when `promptId` is the prompt playing now. */
  isPlaying(promptId?: string): boolean {
    return this.s.playing !== null && (promptId === undefined || this.s.playing.promptId === promptId);
  }

  get bargeIn(): boolean {
    return this.s.playing?.bargeIn ?? false;
  }

  /** The prompt ended by itself: no `StopPrompt`. */
  promptEnded(): void {
    this.s.playing = null;
  }

  /**
   * Stops the prompt playing. One started in this very step (a key typed ahead cut it at once) is
   * taken back instead: the server never renders a prompt nobody hears.
   */
  stopPrompt(): void {
    const playing = this.s.playing;
    this.s.playing = null;
    if (!playing) return;
    const started = this.out.findIndex((e) => e.type === 'PlayPrompt' && e.promptId === playing.promptId);
    if (started >= 0) this.out.splice(started, 1);
    else this.effect({ type: 'StopPrompt', promptId: playing.promptId });
  }

  startTimer(ms: number): void {
    this.cancelTimer();
    const timerId = this.nextId('t');
    this.effect({ type: 'StartTimer', timerId, ms });
    this.s.timerId = timerId;
  }

  timerIs(timerId: string): boolean {
    return this.s.timerId !== null && this.s.timerId === timerId;
  }

  /** The timer fired: its slot is free without a `CancelTimer`. */
  timerFired(): void {
    this.s.timerId = null;
  }

  cancelTimer(): void {
    if (this.s.timerId !== null) this.effect({ type: 'CancelTimer', timerId: this.s.timerId });
    this.s.timerId = null;
  }

  startLookup(kind: string, params: Readonly<Record<string, Scalar>>, timeoutMs: number): string {
    this.cancelLookup();
    const requestId = this.nextId('l');
    this.effect({ type: 'StartLookup', requestId, kind, params, timeoutMs });
    this.s.lookupId = requestId;
    this.startTimer(timeoutMs);
    return requestId;
  }

  lookupIs(requestId: string): boolean {
    return this.s.lookupId !== null && this.s.lookupId === requestId;
  }

  get lookupId(): string | null {
    return this.s.lookupId;
  }

  settleLookup(): void {
    this.s.lookupId = null;
    this.cancelTimer();
  }

  cancelLookup(): void {
    if (this.s.lookupId !== null) this.effect({ type: 'CancelLookup', requestId: this.s.lookupId });
    this.s.lookupId = null;
  }

  /** Keeps a key for the next node that reads keys (type-ahead), up to {@link MAX_TYPE_AHEAD}. */
  bufferKey(digit: string): void {
    if (this.s.typeAhead.length < MAX_TYPE_AHEAD) this.s.typeAhead += digit;
  }

  takeTypeAhead(): string {
    const keys = this.s.typeAhead;
    this.s.typeAhead = '';
    return keys;
  }

  /** Puts keys a node did not use back in front of the buffer. */
  returnTypeAhead(keys: string): void {
    this.s.typeAhead = (keys + this.s.typeAhead).slice(0, MAX_TYPE_AHEAD);
  }

  setVar(name: string, value: Scalar): void {
    this.s.vars = { ...this.s.vars, [name]: value };
  }

  setAttribute(name: string, value: Scalar): void {
    this.s.attributes = { ...this.s.attributes, [name]: value };
  }

  effect(effect: IvrEffect): void {
    this.out.push(effect);
  }

  push(event: IvrEvent): void {
    this.log.push(event);
  }

  record<T extends Exclude<IvrEventType, 'IvrStarted' | 'IvrNodeEntered' | 'IvrEnded'>>(
    type: T,
    data: Omit<IvrEventData<T>, keyof NodePosition>,
  ): void {
    this.log.push({ type, data: { ...this.position, ...data } } as IvrEvent);
  }

  end(reason: IvrEndReason, detail: string | null, hangUpCause?: string): void {
    if (this.s.phase === 'ended') return;
    this.release();
    if (hangUpCause !== undefined) this.effect({ type: 'HangUp', cause: hangUpCause });
    const at = this.s.phase === 'running' ? this.position : undefined;
    this.push({
      type: 'IvrEnded',
      data: { reason, flowId: at?.flowId ?? null, nodeId: at?.nodeId ?? null, detail },
    });
    this.effect({ type: 'FlowEnded', reason });
    this.s.phase = 'ended';
    this.s.wait = null;
  }

  park(queue: string, resumeAt: string): void {
    if (this.s.phase !== 'running') return;
    this.end('routed', queue);
    this.s.phase = 'parked';
    this.s.resumeAt = resumeAt;
    // Keys pressed before the conversation are no answer to what the flow asks after it.
    this.s.typeAhead = '';
  }

  /** `AgentHungUp` on a parked flow: running again; returns the node it resumes at. */
  resume(): string | null {
    const target = this.s.resumeAt;
    if (this.s.phase !== 'parked' || target === null) return null;
    this.s.phase = 'running';
    this.s.resumeAt = null;
    this.record('IvrResumed', { target, reason: 'agent-hung-up' });
    return target;
  }

  /** The caller left while the flow was parked: its run's end is already recorded, so quietly. */
  close(): void {
    this.s.phase = 'ended';
    this.s.resumeAt = null;
  }

  enterSubflow(
    flowId: string,
    version: number | undefined,
    returnTo: string,
  ): { start: string } | { problem: string } {
    if (this.s.frames.length - 1 >= this.maxSubflowDepth)
      return { problem: `subflows nested deeper than ${this.maxSubflowDepth}` };
    const v = version ?? own(this.s.pins, flowId);
    const flow = v === undefined ? undefined : this.env.flows.get(flowId, v);
    if (!flow || v === undefined) return { problem: `subflow '${flowId}' is not published` };
    this.record('IvrSubflowEntered', { subflowId: flowId, subflowVersion: v });
    this.s.frames = [...this.s.frames, { flowId, version: v, returnTo }];
    return { start: flow.start };
  }

  leaveSubflow(): string | undefined {
    const top = this.s.frames[this.s.frames.length - 1];
    if (this.s.frames.length < 2 || !top || top.returnTo === null) return undefined;
    this.record('IvrSubflowReturned', { returnTo: top.returnTo });
    this.s.frames = this.s.frames.slice(0, -1);
    return top.returnTo;
  }

  finish(): IvrStep {
    return { state: Object.freeze({ ...this.s }), effects: this.out, events: this.log };
  }

  /** Releases the prompt, timer and lookup slots, emitting the effects that stop them. */
  private release(): void {
    this.stopPrompt();
    this.cancelTimer();
    this.cancelLookup();
  }

  private nextId(prefix: string): string {
    this.s.seq += 1;
    return `${prefix}${this.s.seq}`;
  }
}
