import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { serializeContactList } from '../header/name-addr';
import { serializeVia, type Via } from '../header/via';
import { splitList } from '../header/scanner';
import { createRequest } from '../message/create-message';
import type { HeaderField } from '../message/header-field';
import type { SipRequest } from '../message/sip-message';
import { uriEquals } from '../uri/uri-equals';
import type { LocalEndpoint } from './dialog';

/**
 * `request`, built as `from` sees us, as it must leave as `to` sees us: the top Via names the
 * transport and sent-by of the flow it travels over (RFC 3261 §18.1.1: the client transport fills
 * them in) and our own Contact names that transport (§8.1.1.8, RFC 7118 §5: `;transport=ws`).
 * Any other Contact is left alone. The same request comes back when nothing differs.
 */
export function requestOverFlow(
  request: SipRequest,
  from: LocalEndpoint,
  to: LocalEndpoint,
): Result<SipRequest, Rejection> {
  if (from === to) return ok(request);
  const top = request.via[0];
  if (top === undefined) return ok(request);
  const via = viaOver(top, to);
  const headers: HeaderField[] = [];
  let viaDone = false;
  let changed = via !== top;
  for (const field of request.headers) {
    if (field.name === 'Via' && !viaDone) {
      viaDone = true;
      // The first value of the first Via line is the topmost Via (§7.3.1, §20.42).
      const rest = splitList(field.value).slice(1);
      headers.push({ name: 'Via', value: [serializeVia(via), ...rest].join(', ') });
    } else if (field.name === 'Contact') {
      const value = contactOver(field.value, request, from, to);
      changed ||= value !== field.value;
      headers.push(value === field.value ? field : { name: 'Contact', value });
    } else {
      headers.push(field);
    }
  }
  if (!changed) return ok(request);
  const built = createRequest({ method: request.method, uri: request.uri, headers, body: request.body });
  return built.ok ? built : err(built.error);
}

function viaOver(top: Via, to: LocalEndpoint): Via {
  const transport = to.transport.toUpperCase();
  if (top.transport === transport && top.host === to.host && top.port === to.port) return top;
  return { ...top, transport, host: to.host, port: to.port };
}

/** The Contact value with our own address (as `from` put it) replaced by `to`'s. */
function contactOver(value: string, request: SipRequest, from: LocalEndpoint, to: LocalEndpoint): string {
  const list = request.contact;
  if (list === undefined || list === '*' || list.length !== 1) return value;
  const [ours] = list;
  if (ours === undefined || !uriEquals(ours.uri, from.contact.uri)) return value;
  return serializeContactList([{ ...ours, uri: to.contact.uri }]);
}
