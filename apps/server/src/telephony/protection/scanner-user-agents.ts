/**
 * User-Agent values of well-known SIP scanning tools. Real phones never send these; the tools do by
 * default (friendly-scanner is SIPVicious' svwar/svmap). A determined attacker changes the string,
 * which is why rate limits and auth-failure bans remain the real defence.
 */
const SCANNER_PATTERNS: readonly RegExp[] = [
  /friendly-scanner/i,
  /sipvicious/i,
  /sipcli/i,
  /sip-scan/i,
  /sipsak/i,
  /sundayddr/i,
  /\biwar\b/i,
  /sivus/i,
  /\bsmap\b/i,
  /pplsip/i,
  /vaxsipuseragent/i,
];

/** True when the User-Agent names a known SIP scanner. */
export function isScannerUserAgent(userAgent: string | undefined): boolean {
  if (userAgent === undefined) return false;
  return SCANNER_PATTERNS.some((p) => p.test(userAgent));
}
