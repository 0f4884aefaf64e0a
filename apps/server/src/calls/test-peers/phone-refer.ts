import {
  createRequest,
  createVia,
  getHeader,
  parseUri,
  serializeVia,
  sipfragStatus,
  type Destination,
  type Dialog,
  type HeaderField,
  type SipResponse,
} from '@switchboard/sip';
import type { TestPhone } from './test-phone';

/** The final responses a phone got to a request it sent. */
export interface SentRequest {
  readonly finals: SipResponse[];
}

/** The phone sends REFER inside `dialog` with the given headers (Refer-To, Refer-Sub…). */
export function sendRefer(phone: TestPhone, dialog: Dialog, headers: readonly HeaderField[]): SentRequest {
  const out: SentRequest = { finals: [] };
  const sent = phone.core.sendRequest(
    dialog,
    'REFER',
    { headers },
    { receiveResponse: (r) => void (r.status >= 200 && out.finals.push(r)) },
  );
  if (!sent.ok) throw new Error(sent.error.message);
  return out;
}

/**
 * The phone sends a REFER that belongs to no dialog of ours: without a To tag (out of dialog), or
 * with a tag that matches nothing.
 */
export function sendStrayRefer(
  phone: TestPhone,
  to: Destination,
  referTo: string,
  toTag?: string,
): SentRequest {
  const out: SentRequest = { finals: [] };
  const layer = phone.core.layer;
  const uri = parseUri(`sip:${to.host}:${to.port}`);
  if (!uri.ok) throw new Error(uri.error.message);
  const via = createVia({
    transport: 'UDP',
    host: phone.host,
    port: phone.port,
    branch: layer.createBranch(),
  });
  const request = createRequest({
    method: 'REFER',
    uri: uri.value,
    headers: [
      { name: 'Via', value: serializeVia(via) },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `<sip:phone@${phone.host}>;tag=${layer.createTag()}` },
      { name: 'To', value: `<sip:${to.host}>${toTag === undefined ? '' : `;tag=${toTag}`}` },
      { name: 'Call-ID', value: `${layer.createTag()}@${phone.host}` },
      { name: 'CSeq', value: '1 REFER' },
      { name: 'Contact', value: `<sip:phone@${phone.host}:${phone.port}>` },
      { name: 'Refer-To', value: referTo },
    ],
  });
  if (!request.ok) throw new Error(request.error.message);
  const sent = layer.sendRequest(request.value, to, {
    receiveResponse: (r) => void (r.status >= 200 && out.finals.push(r)),
    transportError: () => undefined,
  });
  if (!sent.ok) throw new Error(sent.error.message);
  return out;
}

/** One NOTIFY of a refer subscription as the phone saw it. */
export interface ReferNotify {
  readonly status: number | undefined;
  readonly state: string | undefined;
  readonly event: string | undefined;
  readonly contentType: string | undefined;
}

/** The NOTIFYs the phone received, in order, with their sipfrag status and Subscription-State. */
export function referNotifies(phone: TestPhone): ReferNotify[] {
  return phone.received
    .filter((r) => r.method === 'NOTIFY')
    .map((r) => ({
      status: sipfragStatus(r.body),
      state: getHeader(r, 'Subscription-State'),
      event: getHeader(r, 'Event'),
      contentType: r.contentType,
    }));
}
