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

/**
 * A SIP trunk of a tenant (`trunks/trunk.ts` has the model): how its inbound calls are admitted (an
 * IP allow-list, or our registration to the provider) and how calls leave through it. Lists are
 * JSON text; flags are 0/1 integers, the same on SQLite and PostgreSQL.
 */
export interface SipTrunksTable {
  id: string;
  tenant_id: string;
  /** Unique per tenant. */
  name: string;
  /** `ip` or `registration`. */
  admission: string;
  /** JSON array of addresses and CIDR blocks admitted as this trunk (`ip` admission). */
  allowed_addresses: string;
  provider_host: string | null;
  provider_port: number | null;
  /** `udp`, `tcp` or `tls`. */
  provider_transport: string;
  /** 1: the provider's TLS certificate is checked (the default); 0: any is accepted (labs). */
  provider_tls_verify: number;
  /** PEM CA certificates the provider's TLS certificate is checked against instead of the system's. */
  provider_tls_ca: string | null;
  /** `host:port` requests leave through instead of the provider's address, when set. */
  outbound_proxy: string | null;
  auth_username: string | null;
  /**
   * The provider account's password. Kept as given, since answering a digest challenge needs it
   * (HA1 depends on the provider's realm, unknown until it challenges); never returned or logged.
   */
  auth_password: string | null;
  register_expires: number;
  /** `e164` or `national`. */
  dial_format: string;
  default_caller_id: string | null;
  /** JSON array of the caller-ID numbers the trunk may present. */
  allowed_caller_ids: string;
  assert_identity: number;
  privacy_for_withheld: number;
  keepalive_seconds: number;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

/** The telephony context's tables, for `Kysely<TelephonyTables>`. */
export interface TelephonyTables {
  sip_credentials: SipCredentialsTable;
  sip_trunks: SipTrunksTable;
}
