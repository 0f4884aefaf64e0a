/**
 * `GET /api/v1/events`, upgraded to a WebSocket (protocol in `@switchboard/contracts`'
 * `realtime-messages.ts`). The access-control gate authenticates the upgrade request like any
 * other (login cookie or bearer token) before the handshake completes, and the credential is checked
 * again every `recheckMs` while the socket lives; the tenant and the scope come from the principal only.
 * Upgrades from foreign pages (by `Origin`) are refused with 403 before the handshake, and each user
 * holds at most `maxConnectionsPerUser` sockets on this node: one more is closed with
 * {@link TOO_MANY_CONNECTIONS}.
 */
import type {} from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock, TenantId, TimerHandle, Timers } from '@switchboard/kernel';
import { REALTIME_PATH, type ClientMessage, type RealtimeScope } from '@switchboard/contracts';
import { sendProblem } from '../http/problem-details';
import { principalOf } from '../identity/access-control';
import type { Principal } from '../identity/identity-model';
import { ClientConnection, type ConnectionLimits, type SendingSocket } from './client-connection';
import { isAllowedOrigin } from './origin-policy';
import type { RealtimeHub } from './realtime-hub';

/** How often a connection's credential is checked again, by default. */
export const DEFAULT_RECHECK_MS = 60_000;

/** Sockets one user may hold on one node, by default: a few browser tabs, not a fleet. */
export const DEFAULT_MAX_CONNECTIONS_PER_USER = 5;

/**
 * Close code (RFC 6455 §7.4.2, application range) of a connection over the per-user cap: the
 * client should not reconnect until it has closed another of its connections.
 */
export const TOO_MANY_CONNECTIONS = 4429;

/** Options of {@link eventsRoute}. */
export interface EventsRouteOptions {
  readonly hub: Pick<RealtimeHub, 'intervalSeconds' | 'subscribe'>;
  readonly clock: Clock;
  readonly timers: Timers;
  /**
   * How often the login or token behind a connection is checked again: logging out, revoking a
   * token, disabling the user or changing their scope closes the socket within this time.
   */
  readonly recheckMs?: number;
  /** Starts the tenant's routing if needed, so its statistics exist before the first snapshot. */
  readonly ensureTenant: (tenantId: TenantId) => Promise<unknown>;
  readonly limits?: ConnectionLimits;
  /** Origins besides the server's own whose pages may connect (e.g. `https://desk.example.com`). */
  readonly allowedOrigins?: readonly string[];
  /** Default {@link DEFAULT_MAX_CONNECTIONS_PER_USER}. */
  readonly maxConnectionsPerUser?: number;
}

interface EventSocket extends SendingSocket {
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[]) => void): void;
  on(event: 'close', listener: () => void): void;
}

/** Registers the real-time endpoint; `@fastify/websocket` must already be registered. */
export const eventsRoute: FastifyPluginAsync<EventsRouteOptions> = async (app, options) => {
  const open = new Map<string, number>();
  const maxPerUser = options.maxConnectionsPerUser ?? DEFAULT_MAX_CONNECTIONS_PER_USER;
  app.get(
    REALTIME_PATH,
    {
      websocket: true,
      config: { access: 'authenticated' },
      schema: { hide: true },
      // Runs after the access-control gate and before the handshake, so a refusal is a plain 403.
      onRequest: async (request, reply) => {
        if (isAllowedOrigin(request.headers.origin, request, options.allowedOrigins)) return;
        request.log.warn({ userId: request.principal?.userId }, 'event stream upgrade from a foreign origin');
        return sendProblem(request, reply, {
          code: 'REALTIME.ORIGIN_NOT_ALLOWED',
          message: 'This page may not open the event stream',
        });
      },
    },
    async (raw, request) => {
      const socket = raw as unknown as EventSocket;
      const principal = principalOf(request);
      // Counted before any await, so simultaneous upgrades of one user cannot all slip under the cap.
      const userKey = `${principal.tenantId}/${principal.userId}`;
      const held = open.get(userKey) ?? 0;
      if (held >= maxPerUser) {
        socket.close(TOO_MANY_CONNECTIONS, `at most ${maxPerUser} connections per user`);
        return;
      }
      open.set(userKey, held + 1);
      const scope = scopeOf(principal);
      const connection = new ClientConnection(socket, options.limits);
      // The client may leave while the tenant's routing is still starting.
      const link: { closed: boolean; unsubscribe?: () => void; recheck?: TimerHandle } = { closed: false };
      socket.on('close', () => {
        const left = (open.get(userKey) ?? 1) - 1;
        if (left > 0) open.set(userKey, left);
        else open.delete(userKey);
        link.closed = true;
        link.unsubscribe?.();
        if (link.recheck !== undefined) options.timers.clear(link.recheck);
      });
      // The upgrade was authorized once; a socket outlives the login behind it unless checked again.
      const recheck = (): void => {
        link.recheck = options.timers.set(options.recheckMs ?? DEFAULT_RECHECK_MS, () => {
          link.recheck = undefined;
          void request.reauthenticate().then(
            (now) => {
              if (link.closed) return;
              if (now?.userId === principal.userId && scopeOf(now) === scope) recheck();
              else socket.close(POLICY_VIOLATION, 'credential no longer valid');
            },
            (error: unknown) => {
              request.log.error({ err: error }, 'event stream credential check failed');
              if (!link.closed) recheck();
            },
          );
        });
      };
      recheck();
      socket.on('message', (data) => {
        if (parseClientMessage(data)?.type === 'ping')
          connection.send({ type: 'pong', serverTime: options.clock.now() });
      });
      await options.ensureTenant(principal.tenantId).catch((error: unknown) => {
        request.log.error({ err: error }, 'routing not available for the event stream');
      });
      if (link.closed) return;
      connection.send({
        type: 'hello',
        tenantId: principal.tenantId,
        userId: principal.userId,
        scope,
        serverTime: options.clock.now(),
        statisticsIntervalSeconds: scope === 'tenant' ? options.hub.intervalSeconds : null,
      });
      link.unsubscribe = options.hub.subscribe(principal.tenantId, {
        scope,
        userId: principal.userId,
        connection,
      });
    },
  );
};

/** WebSocket close code 1008 (RFC 6455 §7.4.1): the client reconnects and logs in again. */
const POLICY_VIOLATION = 1008;

/** Supervisors and admins follow the whole tenant; everyone else their own events. */
function scopeOf(principal: Principal): RealtimeScope {
  return principal.roles.some((r) => r === 'supervisor' || r === 'admin') ? 'tenant' : 'agent';
}

function parseClientMessage(data: Buffer | ArrayBuffer | Buffer[]): ClientMessage | undefined {
  try {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString()
      : Buffer.from(data as ArrayBuffer).toString();
    const parsed = JSON.parse(text) as { type?: unknown };
    return parsed.type === 'ping' ? { type: 'ping' } : undefined;
  } catch {
    return undefined;
  }
}
