/**
 * Which pages may open the event stream. Browsers attach the login cookie to a WebSocket upgrade
 * from any page and do not apply CORS to it (cross-site WebSocket hijacking): the `Origin` header is
 * the only sign of which page asked. Browsers always send it on upgrades, so a request without one
 * comes from a script or a server-side client, which a hostile page cannot drive.
 */

/** The parts of a request that name the server's own origin. */
export interface RequestOrigin {
  /** `http` or `https`, honouring `X-Forwarded-Proto` only from a trusted proxy. */
  readonly protocol: string;
  /** The `Host` header (host and port), as the browser addressed the server. */
  readonly host: string;
}

/** Normalised `scheme://host[:port]` of a URL or origin, or undefined when it is not one. */
function originOf(text: string): string | undefined {
  try {
    const url = new URL(text);
    // `null` (sandboxed frames, file:) and non-web schemes never name a page we serve.
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when an upgrade carrying `origin` may proceed: no Origin header, the server's own origin
 * (same scheme, host and port as the request addressed), or one of `allowed` (full origins such as
 * `https://desk.example.com`).
 */
export function isAllowedOrigin(
  origin: string | undefined,
  request: RequestOrigin,
  allowed: readonly string[] = [],
): boolean {
  if (origin === undefined) return true;
  const presented = originOf(origin);
  if (presented === undefined) return false;
  // Comparing normalised origins makes `http://host:80` and `http://host` the same.
  const own = originOf(`${request.protocol}://${request.host}`);
  return presented === own || allowed.some((a) => originOf(a) === presented);
}
