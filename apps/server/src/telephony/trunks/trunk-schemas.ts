/** Request and response schemas of `/api/v1/trunks`; they drive validation and the OpenAPI document. */
import { Type, type Static } from 'typebox';

const Timestamp = Type.String({ format: 'date-time' });
const Host = Type.String({ minLength: 1, maxLength: 253, description: 'host name or IP address' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Number_ = Type.String({
  minLength: 3,
  maxLength: 21,
  description: 'digits, optionally with a leading +',
});
const Admission = Type.Union([Type.Literal('ip'), Type.Literal('registration')], {
  description: 'ip: INVITEs from allowedAddresses are the trunk; registration: we register with the provider',
});
const Transport = Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Literal('tls')], {
  description: 'tls: SIP over TLS (sip:…;transport=tls, default port 5061)',
});
const TlsCa = Type.String({
  minLength: 1,
  maxLength: 65536,
  description:
    "PEM certificate(s) of the CA that signs the provider's certificate (default: the system's CAs)",
});
const TlsBody = Type.Object(
  {
    verify: Type.Optional(
      Type.Boolean({
        description:
          "check the provider's certificate against its host name and the CAs (default true; false for labs only)",
      }),
    ),
    ca: Type.Optional(TlsCa),
  },
  { additionalProperties: false, description: 'transport tls only' },
);
const DialFormat = Type.Union([Type.Literal('e164'), Type.Literal('national')], {
  description: 'e164: +8613800138000; national: 13800138000, 01012345678',
});

const HostPortSchema = Type.Object({ host: Host, port: Port }, { additionalProperties: false });
const ProviderBody = Type.Object(
  {
    host: Host,
    port: Type.Optional(Port),
    transport: Type.Optional(Transport),
    tls: Type.Optional(TlsBody),
  },
  { additionalProperties: false },
);
const AllowedAddresses = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 100,
  description: 'IP addresses and CIDR blocks, e.g. 203.0.113.10 or 203.0.113.0/24',
});
const Username = Type.String({ minLength: 1, maxLength: 128 });
const Password = Type.String({ minLength: 1, maxLength: 256, description: 'write-only' });
const RegisterExpires = Type.Integer({ minimum: 60, maximum: 86400, description: 'seconds; default 3600' });
const KeepaliveSeconds = Type.Integer({
  minimum: 0,
  maximum: 3600,
  description: 'OPTIONS to the provider every this many seconds; 0 turns it off; default 30',
});
const OutboundBody = Type.Object(
  {
    dialFormat: Type.Optional(DialFormat),
    defaultCallerId: Type.Optional(Number_),
    allowedCallerIds: Type.Optional(Type.Array(Number_, { maxItems: 200 })),
    assertIdentity: Type.Optional(Type.Boolean({ description: 'send P-Asserted-Identity (RFC 3325)' })),
    privacyForWithheld: Type.Optional(
      Type.Boolean({ description: 'withheld numbers go out anonymous with Privacy: id (RFC 3323)' }),
    ),
  },
  { additionalProperties: false },
);

export const CreateTrunkBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    enabled: Type.Optional(Type.Boolean()),
    admission: Admission,
    allowedAddresses: Type.Optional(AllowedAddresses),
    provider: Type.Optional(ProviderBody),
    outboundProxy: Type.Optional(HostPortSchema),
    account: Type.Optional(
      Type.Object({ username: Username, password: Password }, { additionalProperties: false }),
    ),
    registerExpires: Type.Optional(RegisterExpires),
    outbound: Type.Optional(OutboundBody),
    keepaliveSeconds: Type.Optional(KeepaliveSeconds),
  },
  { additionalProperties: false },
);
export type CreateTrunkBody = Static<typeof CreateTrunkBody>;

export const UpdateTrunkBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    enabled: Type.Optional(Type.Boolean()),
    admission: Type.Optional(Admission),
    allowedAddresses: Type.Optional(AllowedAddresses),
    provider: Type.Optional(Type.Union([ProviderBody, Type.Null()])),
    outboundProxy: Type.Optional(Type.Union([HostPortSchema, Type.Null()])),
    account: Type.Optional(
      Type.Union([
        Type.Object(
          {
            username: Username,
            password: Type.Optional(Password),
          },
          { additionalProperties: false, description: 'without password, the stored one is kept' },
        ),
        Type.Null(),
      ]),
    ),
    registerExpires: Type.Optional(RegisterExpires),
    outbound: Type.Optional(OutboundBody),
    keepaliveSeconds: Type.Optional(KeepaliveSeconds),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTrunkBody = Static<typeof UpdateTrunkBody>;

export const TrunkIdParams = Type.Object({ trunkId: Type.String({ minLength: 1, maxLength: 64 }) });

export const TrunkSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  enabled: Type.Boolean(),
  admission: Admission,
  allowedAddresses: Type.Array(Type.String()),
  provider: Type.Optional(
    Type.Object({
      host: Type.String(),
      port: Port,
      transport: Transport,
      tls: Type.Optional(Type.Object({ verify: Type.Boolean(), ca: Type.Optional(Type.String()) })),
    }),
  ),
  outboundProxy: Type.Optional(Type.Object({ host: Type.String(), port: Port })),
  account: Type.Optional(
    Type.Object({
      username: Type.String(),
      passwordSet: Type.Boolean({ description: 'the password itself is never returned' }),
    }),
  ),
  registerExpires: Type.Integer(),
  outbound: Type.Object({
    dialFormat: DialFormat,
    defaultCallerId: Type.Optional(Type.String()),
    allowedCallerIds: Type.Array(Type.String()),
    assertIdentity: Type.Boolean(),
    privacyForWithheld: Type.Boolean(),
  }),
  keepaliveSeconds: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const TrunkStatusSchema = Type.Object({
  trunkId: Type.String(),
  active: Type.Boolean({ description: 'false while disabled (or not yet loaded by this node)' }),
  registration: Type.Optional(
    Type.Object({
      state: Type.Union([
        Type.Literal('idle'),
        Type.Literal('registering'),
        Type.Literal('registered'),
        Type.Literal('failed'),
        Type.Literal('unregistered'),
      ]),
      lastError: Type.Optional(Type.String()),
      expiresAt: Type.Optional(Timestamp),
      failures: Type.Integer({ description: 'failed attempts in a row' }),
    }),
  ),
  reachability: Type.Object({
    state: Type.Union([Type.Literal('unknown'), Type.Literal('up'), Type.Literal('down')], {
      description: 'from OPTIONS keepalives; a down trunk is skipped for outbound calls',
    }),
    lastCheckedAt: Type.Optional(Timestamp),
    lastError: Type.Optional(Type.String()),
  }),
  providerAddresses: Type.Array(Type.String()),
});
