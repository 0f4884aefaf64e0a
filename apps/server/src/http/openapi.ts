import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ProblemSchema } from './problem-details';

/** Where Swagger UI and the OpenAPI document are served. */
const DOCS_PREFIX = '/docs';

export interface OpenApiOptions {
  readonly version: string;
  /** Name of the login-session cookie, for the `sessionCookie` security scheme. */
  readonly sessionCookieName: string;
}

/**
 * OpenAPI 3 document at `/docs/json` (and `/docs/yaml`) built from the route schemas, and Swagger UI at
 * `/docs`. Must be registered before the routes it documents. The docs routes are public: they
 * describe the API, they do not expose data.
 */
export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        description:
          'Contact-center API. Errors are RFC 9457 problem documents (application/problem+json) with a stable `code`.',
        version: options.version,
      },
      tags: [
        { name: 'auth', description: 'Login, logout, API tokens' },
        { name: 'users', description: 'Users, roles (admin)' },
        { name: 'departments', description: 'Departments (admin)' },
        { name: 'audit', description: 'Audit log (admin)' },
        { name: 'routing', description: 'Queues, skills, entry points' },
        { name: 'trunks', description: 'SIP trunks: admission, provider registration, caller ID (admin)' },
        { name: 'operations', description: 'Health and metrics' },
      ],
      components: {
        securitySchemes: {
          sessionCookie: { type: 'apiKey', in: 'cookie', name: options.sessionCookieName },
          bearerToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'API token from POST /api/v1/auth/tokens',
          },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
        },
      },
      security: [{ sessionCookie: [] }, { bearerToken: [] }],
    },
    // Name shared schemas after their $id (`Problem`) instead of `def-0` in the document.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json['$id'] ?? `def-${i}`) },
  });
  app.addHook('onRoute', (route) => {
    // Only the docs' own routes: a bare prefix test would also open `/docsearch` or `/docs-admin`.
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`))
      route.config = { ...route.config, access: 'public' };
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
}
