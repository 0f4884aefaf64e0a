import type {} from '@fastify/websocket';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { rejection } from '@switchboard/kernel';
import { sendProblem } from '../../http/problem-details';
import { isAllowedOrigin } from '../../realtime/origin-policy';
import { AddressList } from '../protection/address-list';
import type { SipWebSocket, WebSocketTransport } from './websocket-transport';

/** The WebSocket subprotocol of SIP (RFC 7118 §4, IANA WebSocket Subprotocol Name Registry). */
export const SIP_SUBPROTOCOL = 'sip';

/** Where browser softphones connect: `ws(s)://<http host>/sip`. */
export const SIP_WEBSOCKET_PATH = '/sip';

/** Options of {@link sipWebSocketRoutes}. */
export interface SipWebSocketRouteOptions {
  readonly transport: WebSocketTransport;
  /**
   * The HTTP server's trusted proxies (`config.http.trustProxy`). The forwarded client address is
   * used only when the connection's peer is one of them; otherwise the socket's own address is, so a
   * client cannot pick the address that bans and rate limits are keyed on.
   */
  readonly trustProxy?: readonly string[];
  /** Origins besides the server's own whose pages may connect (a softphone hosted elsewhere). */
  readonly allowedOrigins?: readonly string[];
}

/**
 * For `@fastify/websocket`'s `handleProtocols`: picks `sip` when the client offers it (RFC 7118 §4:
 * the server must answer with the subprotocol it selected), and nothing otherwise.
 */
export function selectSipSubprotocol(protocols: Set<string>): string | false {
  return protocols.has(SIP_SUBPROTOCOL) ? SIP_SUBPROTOCOL : false;
}

/**
 * `GET /sip` upgraded to SIP over WebSocket. A handshake that does not offer the `sip` subprotocol
 * is refused with `400` before the upgrade (RFC 7118 §4). The route is public: SIP digest
 * authentication, not the HTTP session, decides what a client may do. A browser handshake from a
 * foreign page (by `Origin`, RFC 6455 §10.2) is refused with `403`, under the same policy as the
 * event stream; SIP clients that are not browsers send no Origin and are let through.
 */
export const sipWebSocketRoutes: FastifyPluginAsync<SipWebSocketRouteOptions> = async (app, options) => {
  const proxies = new AddressList(options.trustProxy);
  app.get(
    SIP_WEBSOCKET_PATH,
    {
      websocket: true,
      config: { access: 'public' },
      schema: { hide: true },
      preValidation: async (request, reply) => {
        if (!isAllowedOrigin(request.headers.origin, request, options.allowedOrigins)) {
          request.log.warn({ origin: request.headers.origin }, 'SIP WebSocket upgrade from a foreign origin');
          return sendProblem(
            request,
            reply,
            rejection('AUTH.FORBIDDEN', 'This page may not open a SIP WebSocket connection'),
          );
        }
        const offered = String(request.headers['sec-websocket-protocol'] ?? '')
          .split(',')
          .map((p) => p.trim().toLowerCase());
        if (!offered.includes(SIP_SUBPROTOCOL)) {
          return sendProblem(
            request,
            reply,
            rejection('HTTP.BAD_REQUEST', 'SIP over WebSocket needs the "sip" subprotocol (RFC 7118)'),
          );
        }
        return undefined;
      },
    },
    (socket, request) => {
      options.transport.accept(socket as SipWebSocket, {
        address: clientAddress(request, proxies),
        port: request.socket.remotePort ?? 0,
      });
    },
  );
};

/**
 * The address a SIP over WebSocket client is known by: the TCP peer, proven by the handshake, or the
 * forwarded client address (Fastify's `request.ip`) only when that peer is a trusted proxy. The route
 * thus never keys bans on a header an untrusted peer wrote, whatever the HTTP server trusts.
 */
function clientAddress(request: FastifyRequest, proxies: AddressList): string {
  const peer = request.socket.remoteAddress;
  if (peer === undefined) return request.ip;
  return proxies.has(peer) ? request.ip : peer;
}
