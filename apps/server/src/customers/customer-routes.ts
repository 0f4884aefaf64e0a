import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '@switchboard/kernel';
import { problemResponses, sendProblem } from '../http/problem-details';
import { actorOf, principalOf } from '../identity/access-control';
import type { AuditLog } from '../identity/audit-log';
import { CustomerCode } from './customer-codes';
import {
  CustomerDetailSchema,
  CustomerIdParams,
  LookupQuery,
  OrderNumberParams,
  OrderSchema,
  ScreenPopSchema,
} from './customer-schemas';
import { customerView, orderView, phoneNumberView } from './customer-views';
import type { CustomerServices } from './customers';
import { LookupRateLimit, type LookupRateLimitOptions } from './lookup-rate-limit';
import { SCREEN_POP_ORDERS } from './screen-pop';

/** Agents handle the calls; supervisors and admins look over their shoulders. */
const STAFF = { access: ['agent', 'supervisor', 'admin'] as const };

/** Options of {@link customerRoutes}. */
export interface CustomerRoutesOptions {
  readonly services: CustomerServices;
  /** Where every look-up of a customer's personal data is recorded. */
  readonly audit: Pick<AuditLog, 'record'>;
  readonly clock: Clock;
  /** Per-user budget of look-ups by phone number; default 60 a minute. */
  readonly lookupLimit?: Omit<LookupRateLimitOptions, 'clock'>;
}

/**
 * Read endpoints of the CRM for the caller's tenant: the screen pop of a phone number, a customer,
 * an order. Ids and order numbers of other tenants answer 404, like ones that do not exist. Reading
 * a customer (by number or id) is personal data access: each one is audited as
 * `customer.looked_up`, and look-ups by number are rate-limited per user so the endpoint cannot
 * be used to scrape the customer base.
 */
export async function customerRoutes(root: FastifyInstance, options: CustomerRoutesOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { customers, orders, screenPops } = options.services;
  const limit = new LookupRateLimit({ ...options.lookupLimit, clock: options.clock });

  app.get(
    '/api/v1/customers/lookup',
    {
      config: STAFF,
      schema: {
        tags: ['customers'],
        summary: 'Screen pop (来电弹屏) for a phone number: caller region, customer, recent orders',
        description: 'Audited; at most 60 look-ups a minute per user (429 with Retry-After beyond).',
        querystring: LookupQuery,
        response: { 200: ScreenPopSchema, ...problemResponses(400, 401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      if (await refusedOverLimit(request, reply, limit, options.audit)) return reply;
      const pop = await screenPops.screenPopFor(principalOf(request).tenantId, request.query.phone);
      await recordLookUp(options.audit, request, pop.customer?.id, {
        by: 'phone',
        phone: pop.caller.masked,
        caller: pop.caller.status,
        found: pop.customer !== undefined,
      });
      if (pop.caller.status === 'identified') return pop;
      const anonymous = pop.caller.status === 'anonymous';
      return sendProblem(request, reply, {
        code: anonymous ? CustomerCode.CALLER_ANONYMOUS : CustomerCode.CALLER_NUMBER_INVALID,
        message: anonymous ? 'No phone number given' : `Not a valid phone number: ${pop.caller.masked}`,
      });
    },
  );

  app.get(
    '/api/v1/customers/:id',
    {
      config: STAFF,
      schema: {
        tags: ['customers'],
        summary: 'One customer with phone numbers and recent orders',
        params: CustomerIdParams,
        response: { 200: CustomerDetailSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const tenantId = principalOf(request).tenantId;
      const customer = await customers.findById(tenantId, request.params.id);
      await recordLookUp(options.audit, request, customer?.id, { by: 'id', found: customer !== undefined });
      if (customer === undefined) {
        return sendProblem(request, reply, {
          code: CustomerCode.CUSTOMER_NOT_FOUND,
          message: `No customer ${request.params.id}`,
        });
      }
      const [phones, recent] = await Promise.all([
        customers.listPhoneNumbers(tenantId, customer.id),
        orders.listRecent(tenantId, customer.id, SCREEN_POP_ORDERS),
      ]);
      return {
        ...customerView(customer),
        phoneNumbers: phones.map(phoneNumberView),
        recentOrders: recent.map(orderView),
        createdAt: customer.createdAt,
        updatedAt: customer.updatedAt,
      };
    },
  );

  app.get(
    '/api/v1/orders/:orderNumber',
    {
      config: STAFF,
      schema: {
        tags: ['customers'],
        summary: 'One order by its number',
        params: OrderNumberParams,
        response: { 200: OrderSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const order = await orders.findByNumber(principalOf(request).tenantId, request.params.orderNumber);
      if (order === undefined) {
        return sendProblem(request, reply, {
          code: CustomerCode.ORDER_NOT_FOUND,
          message: `No order ${request.params.orderNumber}`,
        });
      }
      return orderView(order);
    },
  );
}

/** Records one read of a customer's data by the caller, in the caller's tenant. */
function recordLookUp(
  audit: Pick<AuditLog, 'record'>,
  request: FastifyRequest,
  customerId: string | undefined,
  details: Record<string, unknown>,
): Promise<void> {
  const { principal, ip } = actorOf(request);
  return audit.record({
    tenantId: principal.tenantId,
    actorUserId: principal.userId,
    actor: principal.username,
    action: 'customer.looked_up',
    ...(customerId === undefined ? {} : { target: { type: 'customer', id: customerId } }),
    ip,
    details,
  });
}

/**
 * Sends 429 and answers true when the caller's look-up budget is spent; the first refusal of a
 * window is audited. (A boolean, not the reply: an awaited reply resolves only once it is sent.)
 */
async function refusedOverLimit(
  request: FastifyRequest,
  reply: FastifyReply,
  limit: LookupRateLimit,
  audit: Pick<AuditLog, 'record'>,
): Promise<boolean> {
  const { principal, ip } = actorOf(request);
  const verdict = limit.take(`${principal.tenantId}/${principal.userId}`);
  if (verdict.allowed) return false;
  if (verdict.firstRefusal) {
    await audit.record({
      tenantId: principal.tenantId,
      actorUserId: principal.userId,
      actor: principal.username,
      action: 'customer.lookups_throttled',
      ip,
      details: { retryAfterSeconds: verdict.retryAfterSeconds },
    });
  }
  reply.header('retry-after', String(verdict.retryAfterSeconds));
  void sendProblem(request, reply, {
    code: CustomerCode.TOO_MANY_LOOKUPS,
    message: `Too many customer look-ups; try again in ${verdict.retryAfterSeconds} s`,
    details: { retryAfterSeconds: verdict.retryAfterSeconds },
  });
  return true;
}
