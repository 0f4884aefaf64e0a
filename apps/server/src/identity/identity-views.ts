import type { Department, Tenant, User } from './identity-model';

/** The API view of a user: no tenant id (implied by the caller), no hash, `disabled` as a flag. */
export function userView(user: User) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    departmentId: user.departmentId,
    roles: [...user.roles],
    createdAt: user.createdAt,
    disabled: user.disabledAt !== null,
  };
}

export function tenantView(tenant: Tenant) {
  return { id: tenant.id, slug: tenant.slug, name: tenant.name };
}

export function departmentView(department: Department) {
  return { id: department.id, name: department.name, createdAt: department.createdAt };
}
