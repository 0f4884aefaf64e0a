/**
 * The state machine of one leg (one side of a call seen by the B2BUA), pure and shared by inbound
 * and outbound legs. Inbound: the states describe what we answered; outbound: what the remote
 * answered us (RFC 3261 §13).
 * ```
 *                 1xx (180)            183 + SDP
 *   +---------+  ----------> +---------+ ---------> +-------+
 *   | offered |              | ringing |            | early |
 *   +---------+  -----+      +---------+ ---+       +-------+
 *        |            | 183 + SDP           | 2xx       | 2xx
 *        | 2xx        +--------------------------------> |
 *        V                                  V            V
 *   +----------+  hold (re-INVITE sendonly/inactive)  +------+
 *   | answered | -----------------------------------> | held |
 *   |          | <----------------------------------- |      |
 *   +----------+  resume (re-INVITE sendrecv)         +------+
 *
 *   any state ---- end (BYE, CANCEL, non-2xx final, timeout) ----> terminated
 * ```
 * `terminated` is final. Inputs that make no sense in a state (a hold before the answer) are refused
 * with `undefined` so callers turn them into rejections rather than silent changes.
 */

/** States of a leg. */
export type LegState = 'offered' | 'ringing' | 'early' | 'answered' | 'held' | 'terminated';

/** What moves a leg. */
export type LegInput = 'ring' | 'early-media' | 'answer' | 'hold' | 'resume' | 'end';

const TRANSITIONS: Readonly<Record<LegState, Partial<Record<LegInput, LegState>>>> = {
  offered: { ring: 'ringing', 'early-media': 'early', answer: 'answered', end: 'terminated' },
  // A 180 after a 183 keeps the early media flowing: early stays early.
  ringing: { ring: 'ringing', 'early-media': 'early', answer: 'answered', end: 'terminated' },
  early: { ring: 'early', 'early-media': 'early', answer: 'answered', end: 'terminated' },
  answered: { hold: 'held', resume: 'answered', end: 'terminated' },
  held: { hold: 'held', resume: 'answered', end: 'terminated' },
  terminated: {},
};

/** The state after `input`, or undefined when `input` is not allowed in `state`. */
export function nextLegState(state: LegState, input: LegInput): LegState | undefined {
  return TRANSITIONS[state][input];
}

/** True once the leg has been answered (answered or held): it has a confirmed dialog. */
export function isConnected(state: LegState): boolean {
  return state === 'answered' || state === 'held';
}

/** True before the final answer: offered, ringing or early. */
export function isPending(state: LegState): boolean {
  return state === 'offered' || state === 'ringing' || state === 'early';
}
