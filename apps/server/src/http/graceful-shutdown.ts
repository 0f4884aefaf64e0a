import type { FastifyInstance } from 'fastify';
import type { Readiness } from './health';

/** The slice of a pino logger shutdown needs. */
export interface ShutdownLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface GracefulShutdownOptions {
  readonly readiness: Readiness;
  readonly logger: ShutdownLogger;
  /** After this long the process exits with 1 even if steps are still running. */
  readonly timeoutMs: number;
  readonly exit: (code: number) => void;
}

/**
 * Orderly stop on SIGTERM/SIGINT: `/health` turns 503 first, then the registered steps run in
 * reverse order of registration (the HTTP server stops accepting and drains in-flight requests
 * before the database they write to is closed), then the process exits 0. A second signal, a
 * failing step or the timeout exits 1.
 */
export class GracefulShutdown {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly options: GracefulShutdownOptions) {}

  /** Adds a step; steps registered later run earlier. */
  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  /** Installs the signal handlers. */
  listen(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    for (const signal of signals) {
      process.on(signal, () => {
        if (this.running !== undefined) {
          this.options.logger.error({ signal }, 'second signal during shutdown; exiting now');
          this.options.exit(1);
          return;
        }
        void this.shutdown(signal);
      });
    }
  }

  /**
   * Runs the shutdown once; later calls return the same promise. `failed` (start-up went wrong)
   * makes the exit code 1 even when every step succeeds.
   */
  shutdown(reason: string, failed = false): Promise<void> {
    this.running ??= this.run(reason, failed);
    return this.running;
  }

  private async run(reason: string, failed: boolean): Promise<void> {
    const { logger, readiness, timeoutMs, exit } = this.options;
    readiness.markStopping();
    logger.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      exit(1);
    }, timeoutMs);
    timer.unref();
    let code = failed ? 1 : 0;
    for (const step of [...this.steps].reverse()) {
      try {
        await step.run();
      } catch (error) {
        code = 1;
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    clearTimeout(timer);
    logger.info({ code }, 'stopped');
    exit(code);
  }
}

/**
 * While stopping, answers carry `Connection: close`. A keep-alive connection whose request was in
 * flight when shutdown began would otherwise stay open after its answer (only connections idle at
 * the moment of `close()` are dropped) and hold the shutdown until the keep-alive timeout.
 */
export function closeConnectionsWhileStopping(app: FastifyInstance, readiness: Readiness): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (readiness.state === 'stopping') reply.header('connection', 'close');
    return payload;
  });
}
