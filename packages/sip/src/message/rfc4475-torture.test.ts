import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createErrorResponseBytes } from './create-message';
import {
  getHeader,
  getHeaderValues,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from './sip-message';
import { parseMessage } from './parse-message';
import { serializeMessage } from './serialize-message';
import type { SipParseCode } from './sip-rejection';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/rfc4475-${name}.sip`, import.meta.url)));

/** Drops Content-Length (rewritten on serialize) so a reparse can be compared with the original. */
function semantic(m: SipMessage): unknown {
  return { ...m, headers: m.headers.filter((h) => h.name !== 'Content-Length'), body: [...m.body] };
}

type Expectation =
  | { readonly section: string; readonly accept: true; readonly check?: (m: SipMessage) => void }
  | {
      readonly section: string;
      readonly accept: false;
      readonly code: SipParseCode;
      readonly reason: string;
    };

const req = (m: SipMessage): SipRequest => {
  if (m.kind !== 'request') throw new Error('expected a request');
  return m;
};
const res = (m: SipMessage): SipResponse => {
  if (m.kind !== 'response') throw new Error('expected a response');
  return m;
};

/**
 * RFC 4475 (SIP torture tests): every message and what the RFC says a receiver should do with it.
 * Parser-level refusals become 400 (505 for the version) for requests and silent drops for responses;
 * messages the RFC leaves to the application layer (416, 420, 415, 501, 483) parse.
 */
const TABLE: Readonly<Record<string, Expectation>> = {
  wsinv: {
    section: '3.1.1.1',
    accept: true,
    check: (m) => {
      const r = req(m);
      expect(r.method).toBe('INVITE');
      expect(r.uri).toMatchObject({
        user: 'vivekg',
        host: 'chair-dnrc.example.com',
        params: { unknownparam: null },
      });
      expect(r.to.params.tag).toBe('1918181833n');
      expect(r.from.displayName).toBe('J Rosenberg \\"');
      expect(r.from.params.tag).toBe('98asjd8');
      expect(r.maxForwards).toBe(68);
      expect(r.cseq).toEqual({ seq: 9, method: 'INVITE' });
      expect(r.via.map((v) => [v.transport, v.host, v.branch])).toEqual([
        ['UDP', '192.0.2.2', '390skdjuw'],
        ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
        ['UDP', '192.168.255.111', 'z9hG4bK30239'],
      ]);
      expect(getHeader(r, 'Subject')).toBe('');
      expect(getHeader(r, 'newfangledheader')).toBe('newfangled value continued newfangled value');
      expect(getHeader(r, 'UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
      expect(getHeaderValues(r, 'UnknownHeaderWithUnusualValue')).toEqual([';;,,;;,;']);
      expect(r.route[0]?.uri).toMatchObject({
        host: 'services.example.com',
        params: { lr: null, unknownwith: 'value' },
      });
      const contact = r.contact === '*' ? [] : (r.contact ?? []);
      expect(contact[0]?.displayName).toBe('Quoted string ""');
      expect(contact[0]?.params).toEqual({ newparam: 'newvalue', secondparam: null, q: '0.33' });
      expect(r.body.length).toBe(150);
    },
  },
  intmeth: {
    section: '3.1.1.2',
    accept: true,
    check: (m) => {
      const r = req(m);
      expect(r.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
      expect(r.uri).toMatchObject({
        user: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*",
        password: "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)",
        host: 'example.com',
      });
      expect(r.via[0]?.branch).toBe("z9hG4bK-.!%66*_+`'~");
      expect(r.to.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
      expect(r.from.displayName).toBe("token1~` token2'+_ token3*%!.-");
      expect(r.from.params["fromparam''~+*_!.-%"]).toBe('"работающий"');
      expect(r.from.params.tag).toBe("_token~1'+`*%!-.");
      expect(r.callId).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
      expect(getHeader(r, "extensionHeader-!.%*+_`'~")).toBe('\ufeff大停電');
    },
  },
  esc01: {
    section: '3.1.1.3',
    accept: true,
    check: (m) => {
      const r = req(m);
      expect(r.uri).toMatchObject({ user: 'sips:user@example.com', host: 'example.net' });
      expect(r.to.uri).toMatchObject({ user: 'user' });
      expect(r.from.uri).toMatchObject({ user: 'I have spaces' });
      const c = r.contact === '*' ? undefined : r.contact?.[0];
      expect(c?.uri).toMatchObject({ user: 'caller', params: { lr: null, name: 'value%41' } });
    },
  },
  escnull: {
    section: '3.1.1.4',
    accept: true,
    check: (m) => {
      const contact = m.contact === '*' ? [] : (m.contact ?? []);
      expect(contact.map((c) => (c.uri.kind === 'sip' ? c.uri.user : ''))).toEqual(['\0', '\0\0']);
      expect(m.to.uri).toMatchObject({ user: 'null-\0-null' });
    },
  },
  esc02: {
    section: '3.1.1.5',
    accept: true,
    check: (m) => {
      expect(req(m).method).toBe('RE%47IST%45R');
      expect(m.to.displayName).toBe('%Z%45');
      expect(m.contact === '*' ? 0 : m.contact?.length).toBe(2);
      expect(getHeader(m, 'C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
    },
  },
  lwsdisp: { section: '3.1.1.6', accept: true, check: (m) => expect(m.from.displayName).toBe('caller') },
  longreq: {
    section: '3.1.1.7',
    accept: true,
    check: (m) => {
      expect(m.via).toHaveLength(34);
      expect(m.via[33]?.received).toBe('192.0.2.5');
      expect(m.to.uri).toMatchObject({ port: 6000 });
    },
  },
  dblreq: {
    section: '3.1.1.8',
    accept: true,
    check: (m) => {
      // The trailing INVITE in the datagram is ignored.
      expect(req(m).method).toBe('REGISTER');
      expect(m.body.length).toBe(0);
    },
  },
  semiuri: {
    section: '3.1.1.9',
    accept: true,
    check: (m) => {
      expect(req(m).uri).toMatchObject({ user: 'user;par=u@example.net', host: 'example.com', params: {} });
      expect(getHeaderValues(m, 'Accept')).toHaveLength(6);
    },
  },
  transports: {
    section: '3.1.1.10',
    accept: true,
    check: (m) => expect(m.via.map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']),
  },
  mpart01: {
    section: '3.1.1.11',
    accept: true,
    check: (m) => {
      expect(m.body.length).toBe(553);
      expect(m.via[0]?.rport).toBeNull();
    },
  },
  unreason: {
    section: '3.1.1.12',
    accept: true,
    check: (m) => expect(res(m).reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое'),
  },
  noreason: {
    section: '3.1.1.13',
    accept: true,
    check: (m) => expect(res(m)).toMatchObject({ status: 100, reason: '' }),
  },
  badinv01: {
    section: '3.1.2.1',
    accept: false,
    code: 'SIP.BAD_HEADER_VALUE',
    reason: 'Malformed Via header',
  },
  clerr: {
    section: '3.1.2.2',
    accept: false,
    code: 'SIP.BODY_TRUNCATED',
    reason: 'Content-Length exceeds body',
  },
  ncl: {
    section: '3.1.2.3',
    accept: false,
    code: 'SIP.BAD_HEADER_VALUE',
    reason: 'Malformed Content-Length header',
  },
  scalar02: {
    section: '3.1.2.4',
    accept: false,
    code: 'SIP.BAD_HEADER_VALUE',
    reason: 'Malformed CSeq header',
  },
  scalarlg: {
    section: '3.1.2.5',
    accept: false,
    code: 'SIP.BAD_HEADER_VALUE',
    reason: 'Malformed CSeq header',
  },
  quotbal: { section: '3.1.2.6', accept: false, code: 'SIP.BAD_HEADER_VALUE', reason: 'Malformed To header' },
  ltgtruri: {
    section: '3.1.2.7',
    accept: false,
    code: 'SIP.BAD_REQUEST_URI',
    reason: 'Malformed Request-URI',
  },
  lwsruri: {
    section: '3.1.2.8',
    accept: false,
    code: 'SIP.BAD_START_LINE',
    reason: 'Malformed Request-Line',
  },
  lwsstart: {
    section: '3.1.2.9',
    accept: false,
    code: 'SIP.BAD_START_LINE',
    reason: 'Malformed Request-Line',
  },
  trws: { section: '3.1.2.10', accept: false, code: 'SIP.BAD_START_LINE', reason: 'Malformed Request-Line' },
  escruri: {
    section: '3.1.2.11',
    accept: false,
    code: 'SIP.BAD_REQUEST_URI',
    reason: 'Malformed Request-URI',
  },
  // Date is opaque to the stack (never used for protocol decisions), so the bad zone is forwarded as is.
  baddate: { section: '3.1.2.12', accept: true, check: (m) => expect(getHeader(m, 'Date')).toContain('EST') },
  regbadct: {
    section: '3.1.2.13',
    accept: false,
    code: 'SIP.BAD_HEADER_VALUE',
    reason: 'Malformed Contact header',
  },
  badaspec: {
    section: '3.1.2.14',
    accept: false,
    code: 'SIP.BAD_HEADER_VALUE',
    reason: 'Malformed To header',
  },
  baddn: {
    section: '3.1.2.15',
    accept: false,
    code: 'SIP.BAD_HEADER_VALUE',
    reason: 'Malformed From header',
  },
  badvers: {
    section: '3.1.2.16',
    accept: false,
    code: 'SIP.VERSION_NOT_SUPPORTED',
    reason: 'SIP Version Not Supported',
  },
  mismatch01: {
    section: '3.1.2.17',
    accept: false,
    code: 'SIP.CSEQ_METHOD_MISMATCH',
    reason: 'CSeq method does not match',
  },
  mismatch02: {
    section: '3.1.2.18',
    accept: false,
    code: 'SIP.CSEQ_METHOD_MISMATCH',
    reason: 'CSeq method does not match',
  },
  bigcode: {
    section: '3.1.2.19',
    accept: false,
    code: 'SIP.BAD_STATUS_CODE',
    reason: 'Malformed status code',
  },
  badbranch: { section: '3.2.1', accept: true, check: (m) => expect(m.via[0]?.branch).toBe('z9hG4bK') },
  insuf: { section: '3.3.1', accept: false, code: 'SIP.MISSING_HEADER', reason: 'Missing Call-ID header' },
  unkscm: {
    section: '3.3.2',
    accept: true,
    check: (m) =>
      expect(req(m).uri).toEqual({
        kind: 'absolute',
        scheme: 'nobodyknowsthisscheme',
        opaque: 'totallyopaquecontent',
      }),
  },
  novelsc: {
    section: '3.3.3',
    accept: true,
    check: (m) => expect(req(m).uri).toMatchObject({ scheme: 'soap.beep' }),
  },
  unksm2: {
    section: '3.3.4',
    accept: true,
    check: (m) => {
      expect(m.to.uri).toMatchObject({ kind: 'absolute', scheme: 'isbn' });
      expect(m.from.uri).toMatchObject({ kind: 'absolute', scheme: 'http', opaque: '//www.example.com' });
    },
  },
  bext01: {
    section: '3.3.5',
    accept: true,
    check: (m) => expect(getHeaderValues(m, 'Proxy-Require')).toHaveLength(2),
  },
  invut: {
    section: '3.3.6',
    accept: true,
    check: (m) => expect(m.contentType).toBe('application/unknownformat'),
  },
  regaut01: { section: '3.3.7', accept: true },
  multi01: { section: '3.3.8', accept: false, code: 'SIP.DUPLICATE_HEADER', reason: 'Multiple CSeq headers' },
  mcl01: {
    section: '3.3.9',
    accept: false,
    code: 'SIP.DUPLICATE_HEADER',
    reason: 'Multiple Content-Length headers',
  },
  bcast: { section: '3.3.10', accept: true, check: (m) => expect(m.via[1]?.host).toBe('255.255.255.255') },
  zeromf: { section: '3.3.11', accept: true, check: (m) => expect(m.maxForwards).toBe(0) },
  cparam01: {
    section: '3.3.12',
    accept: true,
    check: (m) => {
      const c = m.contact === '*' ? undefined : m.contact?.[0];
      expect(c?.params).toEqual({ unknownparam: null });
      expect(c?.uri).toMatchObject({ params: {} });
    },
  },
  cparam02: {
    section: '3.3.13',
    accept: true,
    check: (m) => {
      const c = m.contact === '*' ? undefined : m.contact?.[0];
      expect(c?.params).toEqual({});
      expect(c?.uri).toMatchObject({ params: { unknownparam: null } });
    },
  },
  regescrt: {
    section: '3.3.14',
    accept: true,
    check: (m) => {
      const c = m.contact === '*' ? undefined : m.contact?.[0];
      expect(c?.uri).toMatchObject({ headers: [{ name: 'Route', value: '<sip:sip.example.com>' }] });
    },
  },
  sdp01: { section: '3.3.15', accept: true },
  inv2543: {
    section: '3.4.1',
    accept: true,
    check: (m) => {
      // RFC 2543 style: no Max-Forwards, no branch, no From tag, no Content-Length (body = rest of datagram).
      expect(m.maxForwards).toBeUndefined();
      expect(m.via[0]?.branch).toBeUndefined();
      expect(m.from.params.tag).toBeUndefined();
      expect(m.body.length).toBeGreaterThan(0);
    },
  },
};

describe('RFC 4475 torture tests', () => {
  for (const [name, e] of Object.entries(TABLE)) {
    if (e.accept) {
      it(`accepts ${name} (§${e.section}) and round-trips it`, () => {
        const r = parseMessage(fixture(name));
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
        e.check?.(r.value);
        const again = parseMessage(serializeMessage(r.value));
        if (!again.ok) throw new Error(`reparse ${again.error.code}: ${again.error.message}`);
        expect(semantic(again.value)).toEqual(semantic(r.value));
      });
    } else {
      it(`refuses ${name} (§${e.section}) with ${e.code}`, () => {
        const r = parseMessage(fixture(name));
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.error.code).toBe(e.code);
        expect(r.error.message).toBe(e.reason);
        const isResponse = name === 'scalarlg' || name === 'bigcode';
        expect(r.error.messageKind).toBe(isResponse ? 'response' : 'request');
        const answer = createErrorResponseBytes(r.error);
        if (isResponse) expect(answer).toBeUndefined();
        else {
          expect(answer).toBeDefined();
          const parsed = parseMessage(answer as Uint8Array);
          // The error response is itself addressable when the request had the headers to copy.
          if (parsed.ok && parsed.value.kind === 'response') {
            expect(parsed.value.status).toBe(r.error.status);
            expect(parsed.value.reason).toBe(e.reason);
          }
        }
      });
    }
  }

  it('covers every RFC 4475 message', () => {
    expect(Object.keys(TABLE)).toHaveLength(49);
  });
});
