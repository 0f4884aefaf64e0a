import type {} from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import { rejection } from '@switchboard/kernel';
import { sendProblem } from '../../http/problem-details';
import type { SipWebSocket, WebSocketTransport } from './websocket-transport';

/** The WebSocket subprotocol of SIP (RFC 7118 §4, IANA WebSocket Subprotocol Name Registry). */
export const SIP_SUBPROTOCOL = 'sip';

/** Where browser softphones connect: `ws(s)://<http host>/sip`. */
export const SIP_WEBSOCKET_PATH = '/sip';

/** Options of {@link sipWebSocketRoutes}. */
export interface SipWebSocketRouteOptions {
  readonly transport: WebSocketTransport;
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
 * authentication, not the HTTP session, decides what a client may do.
 */
export const sipWebSocketRoutes: FastifyPluginAsync<SipWebSocketRouteOptions> = async (app, options) => {
  app.get(
    SIP_WEBSOCKET_PATH,
    {
      websocket: true,
      config: { access: 'public' },
      schema: { hide: true },
      preValidation: async (request, reply) => {
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
        address: request.ip,
        port: request.socket.remotePort ?? 0,
      });
    },
  );
};
