import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

/**
 * Lifecycle as load balancers see it:
 * ```
 * starting ──markReady()──▶ ready ──markStopping()──▶ stopping
 * ```
 * `/health` answers 200 only in `ready`.
 */
export type LifecycleState = 'starting' | 'ready' | 'stopping';

/** Mutable holder of the lifecycle state, shared by `/health` and the shutdown sequence. */
export class Readiness {
  #state: LifecycleState = 'starting';

  get state(): LifecycleState {
    return this.#state;
  }

  markReady(): void {
    if (this.#state === 'starting') this.#state = 'ready';
  }

  markStopping(): void {
    this.#state = 'stopping';
  }
}

export interface HealthOptions {
  readonly readiness: Readiness;
  /** Cheap dependency probe (e.g. `select 1`); a rejection turns the answer into 503. */
  readonly probe: () => Promise<void>;
  readonly version: string;
  readonly startedAt: number;
  readonly now: () => number;
}

const HealthSchema = Type.Object({
  status: Type.Union([
    Type.Literal('ok'),
    Type.Literal('starting'),
    Type.Literal('stopping'),
    Type.Literal('unavailable'),
  ]),
  version: Type.String(),
  uptimeSeconds: Type.Number(),
});

/** `GET /health`: public, JSON, 200 when ready and the database answers, 503 otherwise. */
export function registerHealthRoute(app: FastifyInstance, options: HealthOptions): void {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: 200 once the server accepts work, 503 while starting or stopping',
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_request, reply) => {
      const uptimeSeconds = Math.round((options.now() - options.startedAt) / 1000);
      const base = { version: options.version, uptimeSeconds };
      const state = options.readiness.state;
      if (state !== 'ready') return reply.code(503).send({ status: state, ...base });
      try {
        await options.probe();
      } catch {
        return reply.code(503).send({ status: 'unavailable', ...base });
      }
      return reply.header('cache-control', 'no-store').send({ status: 'ok', ...base });
    },
  );
}
