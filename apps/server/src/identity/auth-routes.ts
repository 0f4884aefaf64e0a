import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { problemResponses, sendProblem } from '../http/problem-details';
import { actorOf, principalOf } from './access-control';
import {
  CreatedTokenSchema,
  CreateTokenBody,
  LoginBody,
  LoginResponse,
  MeSchema,
  TokenIdParams,
  TokenSchema,
} from './identity-schemas';
import { tenantView, userView } from './identity-views';
import type { IdentityServices } from './identity';

export interface AuthRoutesOptions {
  readonly services: IdentityServices;
  readonly sessionCookieName: string;
  readonly sessionTtlSeconds: number;
  readonly cookieSecure: 'auto' | 'always' | 'never';
}

/** Login, logout, the caller's own identity, and API tokens. */
export async function authRoutes(root: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = options;

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Log in with tenant slug, user name and password; sets an HTTP-only session cookie',
        security: [],
        body: LoginBody,
        response: { 200: LoginResponse, ...problemResponses(400, 401, 429) },
      },
    },
    (request, reply) => logIn(request, request.body, reply, options),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'End the current login session and clear its cookie',
        response: { 204: Type.Null(), ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      await services.login.logout(principalOf(request), request.ip);
      reply.clearCookie(options.sessionCookieName, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/logout-all',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: "End all of the caller's login sessions and revoke all of their API tokens",
        response: { 204: Type.Null(), ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      await services.login.logoutEverywhere(actorOf(request));
      reply.clearCookie(options.sessionCookieName, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'The caller: user, tenant, roles',
        response: { 200: MeSchema, ...problemResponses(401) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const me = await services.me(principal);
      return {
        user: userView(me.user),
        tenant: tenantView(me.tenant),
        authenticatedWith: principal.credential.kind,
      };
    },
  );
}

/** API tokens: create (secret shown once), list, revoke. */
export async function tokenRoutes(
  root: FastifyInstance,
  options: { services: IdentityServices },
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = options;
  app.post(
    '/api/v1/auth/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token (the secret is returned once)',
        body: CreateTokenBody,
        response: { 201: CreatedTokenSchema, ...problemResponses(400, 401, 422) },
      },
    },
    async (request, reply) => {
      const created = await services.tokens.create(actorOf(request), request.body);
      return created.ok ? reply.code(201).send(created.value) : sendProblem(request, reply, created.error);
    },
  );

  app.get(
    '/api/v1/auth/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Live API tokens of the caller (admins: of the tenant)',
        response: { 200: Type.Array(TokenSchema), ...problemResponses(401) },
      },
    },
    async (request) => services.tokens.list(principalOf(request)),
  );

  app.delete(
    '/api/v1/auth/tokens/:tokenId',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token',
        params: TokenIdParams,
        response: { 204: Type.Null(), ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const result = await services.tokens.revoke(actorOf(request), request.params.tokenId);
      return result.ok ? reply.code(204).send(null) : sendProblem(request, reply, result.error);
    },
  );
}

/** Checks the password; on success sets the session cookie and answers who logged in. */
async function logIn(
  request: FastifyRequest,
  body: Static<typeof LoginBody>,
  reply: FastifyReply,
  options: AuthRoutesOptions,
) {
  const { services } = options;
  const result = await services.login.login(body, request.ip);
  if (!result.ok) {
    const retry = result.error.details?.['retryAfterSeconds'];
    if (typeof retry === 'number') reply.header('retry-after', String(retry));
    return sendProblem(request, reply, result.error);
  }
  const { tenant, user, sessionSecret, expiresAt } = result.value;
  reply.setCookie(options.sessionCookieName, sessionSecret, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: secureCookie(request, options.cookieSecure),
    maxAge: options.sessionTtlSeconds,
  });
  return { user: userView(user), tenant: tenantView(tenant), expiresAt };
}

function secureCookie(request: FastifyRequest, mode: AuthRoutesOptions['cookieSecure']): boolean {
  // `request.protocol` honours X-Forwarded-Proto only when the proxy is trusted.
  return mode === 'always' || (mode === 'auto' && request.protocol === 'https');
}
