import type { TenantId, UserId } from '@switchboard/kernel';
import type { Role } from './roles';

/** A client business served by the operator; every other row belongs to exactly one tenant. */
export interface Tenant {
  readonly id: TenantId;
  readonly slug: string;
  readonly name: string;
}

/** A user as the rest of the server sees it: never carries the password hash. */
export interface User {
  readonly id: UserId;
  readonly tenantId: TenantId;
  readonly username: string;
  readonly displayName: string;
  readonly departmentId: string | null;
  readonly roles: readonly Role[];
  readonly createdAt: string;
  readonly disabledAt: string | null;
}

export interface Department {
  readonly id: string;
  readonly tenantId: TenantId;
  readonly name: string;
  readonly createdAt: string;
}

/**
 * The authenticated caller of a request. Its `tenantId` is the only tenant a handler may read or
 * write; it comes from the credential, never from the request.
 */
export interface Principal {
  readonly tenantId: TenantId;
  readonly tenantSlug: string;
  readonly userId: UserId;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly credential: { readonly kind: 'session' | 'token'; readonly id: string };
}

/** Who acts and from where, for audit entries. */
export interface Actor {
  readonly principal: Principal;
  readonly ip: string | null;
}
