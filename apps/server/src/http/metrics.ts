import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { rejection } from '@switchboard/kernel';
import { sendProblem } from './problem-details';

export interface MetricsOptions {
  /** When set, scrapers must send `Authorization: Bearer <token>`; otherwise only loopback may scrape. */
  readonly token: string | undefined;
  /** Defaults to a fresh registry, so several apps in one test process do not collide. */
  readonly registry?: Registry;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/**
 * `GET /metrics` in Prometheus text format: Node process metrics plus
 * `http_request_duration_seconds{method,route,status_code}`. The route label is the route pattern
 * (`/api/v1/users/:userId`), never the raw URL, to keep label cardinality bounded.
 */
export function registerMetrics(app: FastifyInstance, options: MetricsOptions): Registry {
  const registry = options.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (bearer METRICS_TOKEN, or loopback clients when no token is set)',
        security: [{ metricsToken: [] }],
      },
    },
    async (request, reply) => {
      if (!mayScrape(request, options.token)) {
        return sendProblem(
          request,
          reply,
          rejection('AUTH.FORBIDDEN', 'Metrics are served to loopback clients or with the metrics token'),
        );
      }
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
  return registry;
}

function mayScrape(request: FastifyRequest, token: string | undefined): boolean {
  if (token === undefined) return isDirectLoopback(request);
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  // Compare digests so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/**
 * A client on this host speaking to us directly. The socket's address, not `request.ip`: with
 * `trustProxy` that comes from `X-Forwarded-For`, which any client can write. And a request a
 * reverse proxy relays is refused even from loopback: a proxy on the same host would otherwise make
 * every client on the Internet look local.
 */
function isDirectLoopback(request: FastifyRequest): boolean {
  const relayed = FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined);
  return !relayed && LOOPBACK.has(request.socket.remoteAddress ?? '');
}
