/**
 * The one gate every request passes: who is calling (session cookie or bearer token), and whether
 * the route lets that role in. Routes declare `config.access`; a route that declares nothing needs an
 * authenticated user, so forgetting the declaration fails closed. Tenant isolation follows from the
 * principal: handlers take the tenant only from `request.principal`, never from the request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rejection, type Rejection, type Result } from '@switchboard/kernel';
import { sendProblem } from '../http/problem-details';
import type { Actor, Principal } from './identity-model';
import type { Role } from './roles';

/** `public`: anyone; `authenticated`: any logged-in user; a role list: users holding one of them. */
export type RouteAccess = 'public' | 'authenticated' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Set by access control on every non-public route; null on public ones. */
    principal: Principal | null;
    /**
     * Resolves the request's credential again, for connections that outlive it (WebSockets): the
     * principal now, or undefined once the login ended, the token was revoked or the user disabled.
     */
    reauthenticate(): Promise<Principal | undefined>;
  }
}

/** Resolves a presented credential to a principal. */
export type Authenticate = (credential: {
  kind: 'session' | 'token';
  secret: string;
}) => Promise<Result<Principal, Rejection>>;

/** Installs the gate on the root instance; must run before any route is registered. */
export function registerAccessControl(
  app: FastifyInstance,
  options: { authenticate: Authenticate; sessionCookieName: string },
): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('reauthenticate', async function (this: FastifyRequest) {
    const credential = presentedCredential(this, options.sessionCookieName);
    const result = credential ? await options.authenticate(credential) : undefined;
    return result?.ok ? result.value : undefined;
  });
  app.addHook('onRequest', async (request, reply) => {
    // Unknown routes fall through to the 404 handler: there is nothing to protect.
    if (request.is404) return;
    const access = request.routeOptions.config.access ?? 'authenticated';
    if (access === 'public') return;
    const credential = presentedCredential(request, options.sessionCookieName);
    const result = credential ? await options.authenticate(credential) : undefined;
    if (result === undefined || !result.ok) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(
        request,
        reply,
        result?.error ?? rejection('AUTH.UNAUTHENTICATED', 'Log in or present a valid API token'),
      );
    }
    const principal = result.value;
    if (access !== 'authenticated' && !principal.roles.some((r) => access.includes(r))) {
      return sendProblem(
        request,
        reply,
        rejection('AUTH.FORBIDDEN', `This action needs one of the roles: ${access.join(', ')}`),
      );
    }
    request.principal = principal;
  });
}

function presentedCredential(
  request: FastifyRequest,
  cookieName: string,
): { kind: 'session' | 'token'; secret: string } | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? { kind: 'token', secret: match[1]! } : undefined;
  }
  const cookie = request.cookies[cookieName];
  return cookie ? { kind: 'session', secret: cookie } : undefined;
}

/** The principal of a route behind the gate; throwing here means a route forgot its access rule. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null)
    throw new Error(`route ${request.routeOptions.url} reads the principal but is public`);
  return request.principal;
}

/** The caller and their address, for audit entries. */
export function actorOf(request: FastifyRequest): Actor {
  return { principal: principalOf(request), ip: request.ip };
}
