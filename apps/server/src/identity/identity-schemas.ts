/** Request and response schemas of the identity API; they drive validation and the OpenAPI document. */
import { Type } from 'typebox';
import { ROLES } from './roles';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Timestamp = Type.String({ format: 'date-time' });

export const RoleSchema = Type.Enum(ROLES);
export const RolesSchema = Type.Array(RoleSchema, { minItems: 1, maxItems: ROLES.length, uniqueItems: true });

const Username = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._@-]+$',
  description: 'letters, digits, . _ @ -; case-insensitive',
});
/** Length only; the upper bound keeps scrypt input (and its cost) bounded. */
const Password = Type.String({ minLength: 8, maxLength: 200 });
const DisplayName = Type.String({ minLength: 1, maxLength: 100 });

export const LoginBody = Type.Object(
  {
    tenant: Type.String({ minLength: 1, maxLength: 64, description: 'tenant slug, e.g. demo' }),
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const TenantSchema = Type.Object({ id: Id, slug: Type.String(), name: Type.String() });

export const UserSchema = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  departmentId: Type.Union([Id, Type.Null()]),
  roles: Type.Array(RoleSchema),
  createdAt: Timestamp,
  disabled: Type.Boolean(),
});

export const MeSchema = Type.Object({
  user: UserSchema,
  tenant: TenantSchema,
  authenticatedWith: Type.Union([Type.Literal('session'), Type.Literal('token')]),
});

export const LoginResponse = Type.Object({ user: UserSchema, tenant: TenantSchema, expiresAt: Timestamp });

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'what the token is for' }),
    expiresInDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3650,
        description: "default and upper bound: the server's API token lifetime (90 days unless configured)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const TokenSchema = Type.Object({
  id: Id,
  userId: Id,
  name: Type.String(),
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()], {
    description: 'null only for tokens made before lifetimes were capped',
  }),
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
});

export const CreatedTokenSchema = Type.Object({
  ...TokenSchema.properties,
  token: Type.String({ description: 'shown once; send as Authorization: Bearer <token>' }),
});

export const CreateUserBody = Type.Object(
  {
    username: Username,
    displayName: DisplayName,
    password: Password,
    roles: RolesSchema,
    departmentId: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    departmentId: Type.Optional(Type.Union([Id, Type.Null()])),
    password: Type.Optional(Password),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const RolesBody = Type.Object({ roles: RolesSchema }, { additionalProperties: false });

export const DepartmentSchema = Type.Object({ id: Id, name: Type.String(), createdAt: Timestamp });
export const DepartmentBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const AuditEntrySchema = Type.Object({
  id: Id,
  occurredAt: Timestamp,
  action: Type.String(),
  actor: Type.Union([Type.String(), Type.Null()]),
  actorUserId: Type.Union([Id, Type.Null()]),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

export const AuditQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    before: Type.Optional(Id),
    action: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const UserIdParams = Type.Object({ userId: Id });
export const DepartmentIdParams = Type.Object({ departmentId: Id });
export const TokenIdParams = Type.Object({ tokenId: Id });
