/**
 * Calls a tenant's look-up webhook: `POST` of `{ requestId, kind, params }` as JSON, expecting a
 * JSON object back. Bounded in every direction a foreign server can hurt a call: time per attempt,
 * time overall, attempts, response size, redirects (refused). Never throws; every failure is a value.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LookupWebhook } from './lookup-webhook-repository';

/** How a webhook call ended. `answered` includes HTTP errors (`ok: false`). */
export type WebhookOutcome =
  | { readonly kind: 'answered'; readonly ok: boolean; readonly httpStatus: number; readonly data?: unknown }
  | { readonly kind: 'failed'; readonly reason: WebhookFailure };

/** Why no usable answer came. */
export type WebhookFailure =
  'timeout' | 'unreachable' | 'invalid-response' | 'response-too-large' | 'cancelled' | 'invalid-url';

/** Limits of one webhook call. */
export interface WebhookCallOptions {
  /** Time for all attempts together (the IVR's `timeoutMs`). */
  readonly deadlineMs: number;
  /** Largest response body read; default 64 KiB. */
  readonly maxResponseBytes?: number;
  /** Aborts the call (the IVR cancelled the look-up, the caller hung up). */
  readonly signal?: AbortSignal;
}

/** Default cap of a response body: an order status answer is a few hundred bytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
/** Pause before a retry, so a briefly overloaded service is not hit again at once. */
const RETRY_PAUSE_MS = 50;

type Attempt = WebhookOutcome | { readonly kind: 'retryable'; readonly last: WebhookOutcome };

/** Calls the webhook with retries; resolves to the first usable outcome or the last failure. */
export async function callLookupWebhook(
  webhook: LookupWebhook,
  body: Readonly<Record<string, unknown>>,
  options: WebhookCallOptions,
): Promise<WebhookOutcome> {
  if (!isHttpUrl(webhook.url)) return { kind: 'failed', reason: 'invalid-url' };
  const deadline = AbortSignal.timeout(Math.max(1, options.deadlineMs));
  const overall = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const payload = JSON.stringify(body);
  let last: WebhookOutcome = { kind: 'failed', reason: 'timeout' };
  for (let attempt = 0; attempt <= webhook.retries; attempt++) {
    if (attempt > 0 && !(await pause(overall))) break;
    const result = await attemptOnce(webhook, payload, overall, options.maxResponseBytes);
    if (result.kind !== 'retryable') return result;
    last = result.last;
    if (overall.aborted) break;
  }
  if (options.signal?.aborted) return { kind: 'failed', reason: 'cancelled' };
  return last;
}

async function attemptOnce(
  webhook: LookupWebhook,
  payload: string,
  overall: AbortSignal,
  maxBytes = DEFAULT_MAX_RESPONSE_BYTES,
): Promise<Attempt> {
  const signal = AbortSignal.any([overall, AbortSignal.timeout(Math.max(1, webhook.timeoutMs))]);
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: payload,
      redirect: 'manual',
      signal,
    });
    const status = response.status;
    if (status >= 500 || status === 429) {
      await response.body?.cancel();
      return { kind: 'retryable', last: { kind: 'answered', ok: false, httpStatus: status } };
    }
    if (status < 200 || status >= 300) {
      await response.body?.cancel();
      return { kind: 'answered', ok: false, httpStatus: status };
    }
    const text = await readLimited(response, maxBytes);
    if (text === undefined) return { kind: 'failed', reason: 'response-too-large' };
    const data = parseObject(text);
    return data === undefined
      ? { kind: 'failed', reason: 'invalid-response' }
      : { kind: 'answered', ok: true, httpStatus: status, data };
  } catch {
    // Aborts surface as AbortError/TimeoutError; anything else is the network (refused, reset, DNS).
    const reason: WebhookFailure = signal.aborted ? 'timeout' : 'unreachable';
    return { kind: 'retryable', last: { kind: 'failed', reason } };
  }
}

/** The body as text, or undefined once it passes `maxBytes` (the rest is not read). */
async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Only a JSON object is an answer; arrays, scalars and broken JSON are garbage. */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Waits before a retry; false when the call was aborted meanwhile. */
async function pause(signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(RETRY_PAUSE_MS, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Look-ups go to `http:`/`https:` only (no `file:`, `data:`…). */
export function isHttpUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
