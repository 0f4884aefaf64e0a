/**
 * What a request looks like in the logs. Fastify's stock serializer prints `request.url` whole,
 * query string included, and URLs carry phone numbers (`/customers/lookup?phone=…`, numbers as
 * path parameters): every log line would then hold personal data. Here the query string is dropped,
 * and any run of seven or more digits left in the path (spaces, dashes, dots and brackets between
 * them included, so `138 1234 5678` counts as one run) goes through the phone masker.
 */
import type { FastifyRequest } from 'fastify';

/** Masks one phone-number-like run of characters for a log line. */
export type DigitRunMasker = (run: string) => string;

/** Seven digits or more, optionally `+`-led, with up to two separators between digits. */
const PHONE_LIKE_RUN = /\+?\d(?:[\s\-.()]{0,2}\d){6,}/g;

/** The request as logged: method, path without query and with masked digit runs, route pattern. */
export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly route: string | undefined;
  readonly host: string | undefined;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
}

/**
 * The path of `url` without its query string or fragment, percent-decoded so that encoded
 * separators (`%20`) cannot split a number into runs too short to be masked, with every
 * phone-number-like run replaced by `mask(run)`.
 */
export function loggablePath(url: string, mask: DigitRunMasker): string {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes: treat each as a separator rather than keeping the raw digits apart.
    decoded = path.replace(/%[0-9A-Fa-f]{0,2}/g, ' ');
  }
  return decoded.replace(PHONE_LIKE_RUN, (run) => mask(run));
}

/**
 * Pino serializers for Fastify's request log lines; pass them to the logger instance the server is
 * built with. `mask` is the customers context's phone masker, injected so `http/` stays independent.
 */
export function requestLogSerializers(mask: DigitRunMasker): {
  req: (request: FastifyRequest) => LoggedRequest;
} {
  return {
    req: (request) => ({
      method: request.method,
      url: loggablePath(request.url ?? '', mask),
      // Undefined for unknown routes; the pattern never holds parameter values.
      route: request.routeOptions?.url,
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort,
    }),
  };
}
