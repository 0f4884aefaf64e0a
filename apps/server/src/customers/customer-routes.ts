import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problemResponses, sendProblem } from '../http/problem-details';
import { principalOf } from '../identity/access-control';
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
import { SCREEN_POP_ORDERS } from './screen-pop';

/** Agents handle the calls; supervisors and admins look over their shoulders. */
const STAFF = { access: ['agent', 'supervisor', 'admin'] as const };

/**
 * Read endpoints of the CRM for the caller's tenant: the screen pop of a phone number, a customer,
 * an order. Ids and order numbers of other tenants answer 404, like ones that do not exist.
 */
export async function customerRoutes(
  root: FastifyInstance,
  options: { services: CustomerServices },
): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { customers, orders, screenPops } = options.services;

  app.get(
    '/api/v1/customers/lookup',
    {
      config: STAFF,
      // The phone number travels in the query string, and request logs print URLs: keep this
      // route out of the per-request info lines (号码脱敏 in logs); warnings and errors still log.
      logLevel: 'warn',
      schema: {
        tags: ['customers'],
        summary: 'Screen pop (来电弹屏) for a phone number: caller region, customer, recent orders',
        querystring: LookupQuery,
        response: { 200: ScreenPopSchema, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const pop = await screenPops.screenPopFor(principalOf(request).tenantId, request.query.phone);
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
