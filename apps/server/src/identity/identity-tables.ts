/**
 * Row shapes of the identity tables, as Kysely sees them. Timestamps are ISO-8601 UTC strings so that
 * SQLite and PostgreSQL store, compare and sort them the same way; "disabled/revoked" are nullable
 * timestamps rather than booleans for the same reason (and they say when).
 */
export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  created_at: string;
  disabled_at: string | null;
}

export interface DepartmentsTable {
  id: string;
  tenant_id: string;
  name: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  department_id: string | null;
  created_at: string;
  disabled_at: string | null;
}

export interface UserRolesTable {
  tenant_id: string;
  user_id: string;
  role: string;
}

export interface LoginSessionsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  /** SHA-256 of the cookie value; the value itself is never stored. */
  secret_hash: string;
  created_at: string;
  expires_at: string;
  ip: string | null;
}

export interface ApiTokensTable {
  id: string;
  tenant_id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the token; the token is shown once at creation. */
  secret_hash: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: string;
  /** Null when the tenant is unknown (a failed login naming a tenant that does not exist). */
  tenant_id: string | null;
  actor_user_id: string | null;
  /** Who acted as typed or known (user name), kept even when no user matched. */
  actor: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  occurred_at: string;
  /** JSON object with action-specific facts. */
  details: string | null;
}

/** The identity context's tables, for `Kysely<IdentityTables>`. */
export interface IdentityTables {
  tenants: TenantsTable;
  departments: DepartmentsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  login_sessions: LoginSessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
}
