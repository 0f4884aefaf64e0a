/**
 * Row shapes of the telephony tables, as Kysely sees them. Times are ISO-8601 UTC text, as in the
 * identity tables.
 */
export interface SipCredentialsTable {
  /** Digest realm the HA1 values were computed for (RFC 7616 §3.4.2); part of the key. */
  realm: string;
  /** The SIP user name a phone authenticates with (usually the extension, `1001`). */
  username: string;
  tenant_id: string;
  /** The agent (identity `users.id`) the phone belongs to. */
  user_id: string;
  /** Lower-case hex H(username:realm:password) with MD5 and SHA-256 (RFC 8760); never the password. */
  ha1_md5: string;
  ha1_sha256: string;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

/** The telephony context's tables, for `Kysely<TelephonyTables>`. */
export interface TelephonyTables {
  sip_credentials: SipCredentialsTable;
}
