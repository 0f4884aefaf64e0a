/**
 * The server's configuration: one schema grouped by concern, read once at boot from command-line
 * flags (first) and environment variables (second), with safe defaults. Every bad setting is reported
 * at once so an operator fixes them in one round. The result is deeply frozen and passed down
 * explicitly; nothing else in the server reads `process.env` or `process.argv`.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { err, ok, type Result } from '@switchboard/kernel';
import { readArguments, type ArgumentSpec } from './cli-arguments';
import {
  addressList,
  boolean,
  host,
  integer,
  oneOf,
  originList,
  port,
  postgresUrl,
  text,
  trustedProxies,
  type ValueParser,
} from './config-values';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `auto` seeds the demo shop only into an empty database; `always` re-checks it on every start. */
export type DemoMode = 'auto' | 'always' | 'never';

export interface HttpConfig {
  /** Address to bind. Defaults to loopback so a fresh install with demo passwords is not exposed. */
  readonly host: string;
  readonly port: number;
  /**
   * Addresses and CIDR blocks of the reverse proxies trusted to set `X-Forwarded-*` (the client IP
   * in audit and rate limits); empty trusts none. Never "any": a client writes that header.
   */
  readonly trustProxy: readonly string[];
  /** Web origins besides the server's own whose pages may open its WebSockets (events, softphone). */
  readonly allowedOrigins: readonly string[];
  /** When set, `/metrics` requires `Authorization: Bearer <token>`; when not, only loopback clients may scrape. */
  readonly metricsToken: string | undefined;
  /** How long shutdown waits for in-flight requests before giving up. */
  readonly shutdownTimeoutMs: number;
  /**
   * PEM certificate chain and key files: when both are set the server speaks HTTPS, and `/sip`
   * becomes SIP over secure WebSocket (WSS, RFC 7118 §5), which browsers on HTTPS pages require.
   */
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
}

export interface SipConfig {
  /** Address the SIP transports bind; loopback by default, like HTTP. */
  readonly host: string;
  /** SIP over UDP and TCP. */
  readonly port: number;
  /** SIP over TLS, opened only when `tlsCert` and `tlsKey` are set. */
  readonly tlsPort: number;
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  /**
   * PEM CA certificates trusted, besides the system's roots, for TLS connections the server opens
   * (phones reached again at their Contact, trunks without a CA of their own).
   */
  readonly tlsCa?: string | undefined;
  /** Digest realm of the phones' SIP credentials (HA1 covers it: changing it needs new passwords). */
  readonly realm: string;
  /**
   * Digest algorithms offered, most preferred first (RFC 8760 §2.4). Some phones (baresip/libre 1.x
   * and older desk phones) abort on any SHA-256 challenge; sites with such phones offer `MD5` only.
   */
  readonly digestAlgorithms: readonly ('SHA-256' | 'MD5')[];
  /** Secret that signs digest nonces; share it between nodes. Random per process when unset. */
  readonly nonceSecret: string | undefined;
  /** Sustained SIP messages per second accepted from one source address. */
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  /** Failed digest authentications from one address (within the ban period) that ban it. */
  readonly banAfterAuthFailures: number;
  readonly banSeconds: number;
  /**
   * Drop requests from known SIP scanners (User-Agent friendly-scanner, sipvicious, …), and ban the
   * source when it came over a connection (a UDP source address can be forged).
   */
  readonly dropScanners: boolean;
  /** Addresses and CIDR blocks of trunks and SBCs: never banned or rate-limited. */
  readonly trustedAddresses?: readonly string[];
  /**
   * A number the server answers by itself (200 OK, SDP answer, no media) for smoke tests and SIP
   * benchmarks. Unset, the default: no call is ever answered without call control.
   */
  readonly answerTestNumber?: string | undefined;
  /** How long calls to the answer test number ring (180) before the answer, ms. */
  readonly answerTestRingMs?: number;
  /**
   * New calls are answered 503 with Retry-After while requests wait longer than this before the
   * server reads them (the event loop's lag, or the SIP socket's queue), ms
   * (`telephony/protection/overload-guard.ts`); 0 takes every call however late.
   */
  readonly overloadLagMs?: number;
}

export interface DbConfig {
  /** Absolute directory for the embedded SQLite file and, later, recordings. */
  readonly dataDir: string;
  /** PostgreSQL URL; when absent the embedded SQLite database in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
}

export interface AuthConfig {
  readonly sessionTtlHours: number;
  /** `auto` marks the cookie Secure when the request arrived over HTTPS (directly or via a trusted proxy). */
  readonly cookieSecure: 'auto' | 'always' | 'never';
  readonly loginMaxFailuresPerUser: number;
  readonly loginMaxFailuresPerIp: number;
  readonly loginWindowSeconds: number;
  /** Longest lifetime of an API token; tokens asking for more are refused, none lives forever. */
  readonly apiTokenMaxDays: number;
}

export interface MediaConfig {
  /** RTP port range: RTP on the even ports, RTCP on the odd port above each (RFC 3550 §11). */
  readonly rtpPortMin: number;
  readonly rtpPortMax: number;
  /** Address put in SDP when the bound one is not what peers should send to (NAT, wildcard bind). */
  readonly advertisedAddress?: string | undefined;
  /** Media worker threads; 0 runs media in the main thread (ADR 0006). */
  readonly workers: number;
  /** SCHED_RR priority of the media worker threads (1–99); 0 leaves them ordinary threads. */
  readonly realtimePriority: number;
}

/**
 * The default of `MEDIA_WORKERS` (`auto`): one worker per core but one, at least one and at most
 * 8 (ADR 0006). The spare core is the main thread's (SIP, HTTP, database, routing), so a burst of
 * signalling never preempts a media thread; on two cores that is one worker, whose event loop no
 * signalling stall can delay.
 */
export function defaultMediaWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.min(8, cores - 1));
}

const mediaWorkers: ValueParser<number> = (raw) =>
  raw.trim().toLowerCase() === 'auto'
    ? ok(defaultMediaWorkers())
    : integer(0, 64, `auto or an integer from 0 to 64`)(raw);

export interface LogConfig {
  readonly level: LogLevel;
}

export interface DemoConfig {
  readonly mode: DemoMode;
  /** The demo hotline's daily opening hours, in Asia/Shanghai, used when its calendar is first seeded. */
  readonly hours: DemoHours;
}

/** Opening interval of the demo hotline (`HH:MM`), every day, or closed all the time. */
export type DemoHours = { readonly opens: string; readonly closes: string } | 'closed';

/** The whole configuration, grouped by concern. */
export interface Config {
  readonly http: HttpConfig;
  readonly sip: SipConfig;
  readonly db: DbConfig;
  readonly media: MediaConfig;
  readonly auth: AuthConfig;
  readonly log: LogConfig;
  readonly demo: DemoConfig;
}

/** One bad setting: which flag/variable, and why. */
export interface ConfigProblem {
  readonly setting: string;
  readonly message: string;
}

interface Setting extends ArgumentSpec {
  readonly path: string;
  readonly env: string;
  readonly defaultValue?: string;
  readonly parse: ValueParser<unknown>;
}

const demoMode: ValueParser<DemoMode> = (raw) => {
  const asBool = boolean(raw);
  if (asBool.ok) return ok(asBool.value ? 'always' : 'never');
  return raw.trim().toLowerCase() === 'auto'
    ? ok('auto')
    : err(`${JSON.stringify(raw)} is not one of auto, true, false`);
};

/** `always` or `HH:MM-HH:MM` (closing may be `24:00`). */
const demoHours: ValueParser<DemoHours> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (v === 'always') return ok({ opens: '00:00', closes: '24:00' });
  if (v === 'closed') return ok('closed');
  const m = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):[0-5]\d|24:00)$/.exec(v);
  if (m === null || `${m[1]}:${m[2]}` >= m[3]!)
    return err(`${JSON.stringify(raw)} is not 'always', 'closed' or an interval such as 09:00-21:00`);
  return ok({ opens: `${m[1]}:${m[2]}`, closes: m[3]! });
};

const digestAlgorithms: ValueParser<readonly ('SHA-256' | 'MD5')[]> = (raw) => {
  const list = raw.split(',').map((a) => a.trim().toUpperCase());
  const valid = list.length > 0 && list.every((a) => a === 'SHA-256' || a === 'MD5');
  return valid && new Set(list).size === list.length
    ? ok(list as ('SHA-256' | 'MD5')[])
    : err(`${JSON.stringify(raw)} is not a list of SHA-256 and MD5`);
};

/** Every setting the server reads; `--help` prints this table. */
// prettier-ignore
export const SETTINGS: readonly Setting[] = [
  { path: 'http.host', flag: '--host', env: 'HOST', defaultValue: '127.0.0.1', parse: host, help: 'address to bind HTTP (0.0.0.0 to expose on the network)' },
  { path: 'http.port', flag: '--http-port', env: 'HTTP_PORT', defaultValue: '8080', parse: port, help: 'HTTP API, web app and docs port' },
  { path: 'http.trustProxy', flag: '--trust-proxy', env: 'TRUST_PROXY', defaultValue: 'false', parse: trustedProxies, help: 'reverse proxies trusted for X-Forwarded-*: addresses/CIDRs, comma-separated (e.g. 10.0.0.0/8,loopback)' },
  { path: 'http.allowedOrigins', flag: '--allowed-origins', env: 'ALLOWED_ORIGINS', parse: originList, help: 'other web origins whose pages may open the WebSockets (comma-separated)' },
  { path: 'http.metricsToken', flag: '--metrics-token', env: 'METRICS_TOKEN', parse: text(16), help: 'bearer token for /metrics (unset: loopback clients only)' },
  { path: 'http.tlsCert', flag: '--http-tls-cert', env: 'HTTP_TLS_CERT', parse: text(), help: 'PEM certificate chain file: serve HTTPS, and SIP over WSS at /sip (with --http-tls-key)' },
  { path: 'http.tlsKey', flag: '--http-tls-key', env: 'HTTP_TLS_KEY', parse: text(), help: 'PEM private key file for HTTPS and WSS' },
  { path: 'http.shutdownTimeoutMs', flag: '--shutdown-timeout-ms', env: 'SHUTDOWN_TIMEOUT_MS', defaultValue: '10000', parse: integer(100, 600_000), help: 'grace period for in-flight requests on shutdown' },
  { path: 'sip.host', flag: '--sip-host', env: 'SIP_HOST', defaultValue: '127.0.0.1', parse: host, help: 'address to bind SIP (0.0.0.0 to expose on the network)' },
  { path: 'sip.port', flag: '--sip-port', env: 'SIP_PORT', defaultValue: '5060', parse: port, help: 'SIP over UDP and TCP' },
  { path: 'sip.tlsPort', flag: '--sip-tls-port', env: 'SIP_TLS_PORT', defaultValue: '5061', parse: port, help: 'SIP over TLS (with --sip-tls-cert and --sip-tls-key)' },
  { path: 'sip.tlsCert', flag: '--sip-tls-cert', env: 'SIP_TLS_CERT', parse: text(), help: 'PEM certificate chain file for SIP over TLS' },
  { path: 'sip.tlsKey', flag: '--sip-tls-key', env: 'SIP_TLS_KEY', parse: text(), help: 'PEM private key file for SIP over TLS' },
  { path: 'sip.tlsCa', flag: '--sip-tls-ca', env: 'SIP_TLS_CA', parse: text(), help: 'PEM CA file trusted besides the system roots for outgoing SIP over TLS' },
  { path: 'sip.realm', flag: '--sip-realm', env: 'SIP_REALM', defaultValue: 'switchboard', parse: text(), help: 'digest realm of phone credentials' },
  { path: 'sip.digestAlgorithms', flag: '--sip-digest-algorithms', env: 'SIP_DIGEST_ALGORITHMS', defaultValue: 'SHA-256,MD5', parse: digestAlgorithms, help: 'digest algorithms offered, preferred first (SHA-256, MD5)' },
  { path: 'sip.nonceSecret', flag: '--sip-nonce-secret', env: 'SIP_NONCE_SECRET', parse: text(16), help: 'secret signing digest nonces, shared by nodes (unset: random per process)' },
  { path: 'sip.rateLimitPerSecond', flag: '--sip-rate-limit', env: 'SIP_RATE_LIMIT', defaultValue: '50', parse: integer(1, 1_000_000), help: 'SIP messages per second per source address' },
  { path: 'sip.rateLimitBurst', flag: '--sip-rate-burst', env: 'SIP_RATE_BURST', defaultValue: '200', parse: integer(1, 1_000_000), help: 'SIP messages a source may send in a burst' },
  { path: 'sip.banAfterAuthFailures', flag: '--sip-ban-after-failures', env: 'SIP_BAN_AFTER_FAILURES', defaultValue: '10', parse: integer(1, 100_000), help: 'failed SIP authentications that ban a source address' },
  { path: 'sip.banSeconds', flag: '--sip-ban-seconds', env: 'SIP_BAN_SECONDS', defaultValue: '600', parse: integer(1, 30 * 86_400), help: 'how long a SIP ban lasts' },
  { path: 'sip.dropScanners', flag: '--sip-drop-scanners', env: 'SIP_DROP_SCANNERS', defaultValue: 'true', parse: boolean, boolean: true, help: 'drop known SIP scanners by User-Agent (ban them over TCP/TLS/WS)' },
  { path: 'sip.trustedAddresses', flag: '--sip-trusted-addresses', env: 'SIP_TRUSTED_ADDRESSES', parse: addressList, help: 'trunks/SBCs never banned or rate-limited: addresses/CIDRs, comma-separated' },
  { path: 'sip.answerTestNumber', flag: '--sip-answer-test-number', env: 'SIP_ANSWER_TEST_NUMBER', parse: text(), help: 'number answered by the server itself, no media (smoke tests, benchmarks; unset: off)' },
  { path: 'sip.answerTestRingMs', flag: '--sip-answer-test-ring-ms', env: 'SIP_ANSWER_TEST_RING_MS', defaultValue: '0', parse: integer(0, 600_000), help: 'ring time before the answer test number answers' },
  { path: 'sip.overloadLagMs', flag: '--sip-overload-lag-ms', env: 'SIP_OVERLOAD_LAG_MS', defaultValue: '300', parse: integer(0, 60_000), help: 'answer new calls 503 while SIP requests wait this many ms to be read (0 = never)' },
  { path: 'db.dataDir', flag: '--data-dir', env: 'DATA_DIR', defaultValue: './data', parse: text(), help: 'directory for the SQLite database and recordings' },
  { path: 'db.databaseUrl', flag: '--database-url', env: 'DATABASE_URL', parse: postgresUrl, help: 'PostgreSQL URL (unset: embedded SQLite)' },
  { path: 'media.rtpPortMin', flag: '--rtp-port-min', env: 'RTP_PORT_MIN', defaultValue: '20000', parse: port, help: 'first port of the RTP/RTCP range' },
  { path: 'media.rtpPortMax', flag: '--rtp-port-max', env: 'RTP_PORT_MAX', defaultValue: '29999', parse: port, help: 'last port of the RTP/RTCP range' },
  { path: 'media.workers', flag: '--media-workers', env: 'MEDIA_WORKERS', defaultValue: 'auto', parse: mediaWorkers, help: 'media worker threads: 0 = media in the main thread, auto = cores - 1 (at least 1, at most 8)' },
  { path: 'media.realtimePriority', flag: '--media-realtime-priority', env: 'MEDIA_REALTIME_PRIORITY', defaultValue: '0', parse: integer(0, 99), help: 'SCHED_RR priority of media worker threads, 1-99 (needs CAP_SYS_NICE or LimitRTPRIO; 0 = off)' },
  { path: 'media.advertisedAddress', flag: '--media-advertised-address', env: 'MEDIA_ADVERTISED_ADDRESS', parse: host, help: "address SDP offers for RTP (unset: SIP's advertised address)" },
  { path: 'auth.sessionTtlHours', flag: '--session-ttl-hours', env: 'SESSION_TTL_HOURS', defaultValue: '12', parse: integer(1, 24 * 30), help: 'lifetime of a login session' },
  { path: 'auth.cookieSecure', flag: '--cookie-secure', env: 'COOKIE_SECURE', defaultValue: 'auto', parse: oneOf(['auto', 'always', 'never']), help: 'Secure attribute of the session cookie' },
  { path: 'auth.loginMaxFailuresPerUser', flag: '--login-max-failures-per-user', env: 'LOGIN_MAX_FAILURES_PER_USER', defaultValue: '5', parse: integer(1, 1000), help: 'failed logins per user name before throttling' },
  { path: 'auth.loginMaxFailuresPerIp', flag: '--login-max-failures-per-ip', env: 'LOGIN_MAX_FAILURES_PER_IP', defaultValue: '20', parse: integer(1, 100_000), help: 'failed logins per client IP before throttling' },
  { path: 'auth.loginWindowSeconds', flag: '--login-window-seconds', env: 'LOGIN_WINDOW_SECONDS', defaultValue: '900', parse: integer(1, 86_400), help: 'window over which failed logins are counted' },
  { path: 'auth.apiTokenMaxDays', flag: '--api-token-max-days', env: 'API_TOKEN_MAX_DAYS', defaultValue: '90', parse: integer(1, 3650), help: 'longest lifetime of an API token, also its default' },
  { path: 'log.level', flag: '--log-level', env: 'LOG_LEVEL', defaultValue: 'info', parse: oneOf(LOG_LEVELS), help: LOG_LEVELS.join('|') },
  { path: 'demo.mode', flag: '--demo', env: 'DEMO', defaultValue: 'auto', parse: demoMode, boolean: true, help: 'seed the demo shop: auto (empty database only), true, false' },
  { path: 'demo.hours', flag: '--demo-hours', env: 'DEMO_HOURS', defaultValue: '09:00-21:00', parse: demoHours, help: 'demo hotline hours in Asia/Shanghai when first seeded: HH:MM-HH:MM, always, or closed (after hours it takes voicemail)' },
];

/**
 * Reads the configuration from `argv` (without the node and script paths) and `env`.
 * Precedence: flag, then environment variable (empty counts as unset), then default.
 * `cwd` anchors a relative `--data-dir`.
 */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Result<Config, ConfigProblem[]> {
  const args = readArguments(argv, SETTINGS);
  const problems: ConfigProblem[] = [...args.problems];
  const values = new Map<string, unknown>();
  for (const s of SETTINGS) {
    const fromFlag = args.values.get(s.flag);
    const fromEnv = env[s.env] === '' ? undefined : env[s.env];
    const raw = fromFlag ?? fromEnv ?? s.defaultValue;
    if (raw === undefined) continue;
    const parsed = s.parse(raw);
    if (parsed.ok) values.set(s.path, parsed.value);
    else problems.push({ setting: `${s.flag} / ${s.env}`, message: parsed.error });
  }
  if (values.has('http.port') && values.get('http.port') === values.get('sip.port')) {
    problems.push({
      setting: '--sip-port / SIP_PORT',
      message: 'must differ from --http-port (both use TCP)',
    });
  }
  const rtpMin = Number(values.get('media.rtpPortMin'));
  if (rtpMin + (rtpMin % 2) + 1 > Number(values.get('media.rtpPortMax'))) {
    problems.push({
      setting: '--rtp-port-min / --rtp-port-max',
      message: 'the range holds no RTP/RTCP pair (an even port and the odd one above it)',
    });
  }
  if ((values.get('sip.tlsCert') === undefined) !== (values.get('sip.tlsKey') === undefined)) {
    problems.push({ setting: '--sip-tls-cert / --sip-tls-key', message: 'set both or neither' });
  }
  if ((values.get('http.tlsCert') === undefined) !== (values.get('http.tlsKey') === undefined)) {
    problems.push({ setting: '--http-tls-cert / --http-tls-key', message: 'set both or neither' });
  }
  if (problems.length > 0) return err(problems);
  return ok(deepFreeze(assemble(values, cwd)));
}

function assemble(v: Map<string, unknown>, cwd: string): Config {
  const get = <T>(path: string): T => v.get(path) as T;
  return {
    http: {
      host: get('http.host'),
      port: get('http.port'),
      trustProxy: get('http.trustProxy'),
      allowedOrigins: get('http.allowedOrigins') ?? [],
      metricsToken: get('http.metricsToken'),
      shutdownTimeoutMs: get('http.shutdownTimeoutMs'),
      tlsCert: get('http.tlsCert'),
      tlsKey: get('http.tlsKey'),
    },
    sip: {
      host: get('sip.host'),
      port: get('sip.port'),
      tlsPort: get('sip.tlsPort'),
      tlsCert: get('sip.tlsCert'),
      tlsKey: get('sip.tlsKey'),
      tlsCa: get('sip.tlsCa'),
      realm: get('sip.realm'),
      digestAlgorithms: get('sip.digestAlgorithms'),
      nonceSecret: get('sip.nonceSecret'),
      rateLimitPerSecond: get('sip.rateLimitPerSecond'),
      rateLimitBurst: get('sip.rateLimitBurst'),
      banAfterAuthFailures: get('sip.banAfterAuthFailures'),
      banSeconds: get('sip.banSeconds'),
      dropScanners: get('sip.dropScanners'),
      trustedAddresses: get('sip.trustedAddresses') ?? [],
      answerTestNumber: get('sip.answerTestNumber'),
      answerTestRingMs: get('sip.answerTestRingMs'),
      overloadLagMs: get('sip.overloadLagMs'),
    },
    db: { dataDir: resolve(cwd, get<string>('db.dataDir')), databaseUrl: get('db.databaseUrl') },
    media: {
      rtpPortMin: get('media.rtpPortMin'),
      rtpPortMax: get('media.rtpPortMax'),
      advertisedAddress: get('media.advertisedAddress'),
      workers: get('media.workers'),
      realtimePriority: get('media.realtimePriority'),
    },
    auth: {
      sessionTtlHours: get('auth.sessionTtlHours'),
      cookieSecure: get('auth.cookieSecure'),
      loginMaxFailuresPerUser: get('auth.loginMaxFailuresPerUser'),
      loginMaxFailuresPerIp: get('auth.loginMaxFailuresPerIp'),
      loginWindowSeconds: get('auth.loginWindowSeconds'),
      apiTokenMaxDays: get('auth.apiTokenMaxDays'),
    },
    log: { level: get('log.level') },
    demo: { mode: get('demo.mode'), hours: get('demo.hours') },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The message printed when the configuration is invalid: one line per bad setting. */
export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  ${p.setting}: ${p.message}`);
  return `switchboard: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'})\n${lines.join('\n')}\nRun with --help to list every setting.`;
}

/** The `--help` text, generated from {@link SETTINGS}. */
export function usage(): string {
  const rows = SETTINGS.map((s) => {
    const def = s.defaultValue === undefined ? '' : ` (default ${s.defaultValue})`;
    return `  ${s.flag.padEnd(30)} ${s.env.padEnd(28)} ${s.help}${def}`;
  });
  return `Usage: npm start -- [flags]\n\nEach flag also reads the environment variable beside it; flags win.\n\n${rows.join('\n')}\n  ${'--help'.padEnd(30)} ${''.padEnd(28)} print this text`;
}
