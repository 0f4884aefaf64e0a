// Public API of the SIP transaction layer (RFC 3261 §17, RFC 6026).
export { createBranch, createTag } from './branch';
export { createCancel } from './create-cancel';
export { createNon2xxAck } from './create-ack';
export { InviteClientTransaction } from './invite-client-transaction';
export type { InviteClientState } from './invite-client-transaction';
export { InviteServerTransaction } from './invite-server-transaction';
export type { InviteServerState } from './invite-server-transaction';
export { NonInviteClientTransaction } from './non-invite-client-transaction';
export type { NonInviteClientState } from './non-invite-client-transaction';
export { NonInviteServerTransaction } from './non-invite-server-transaction';
export type { NonInviteServerState } from './non-invite-server-transaction';
export { DEFAULT_TIMER_VALUES, timerValues } from './timer-values';
export type { TimerValues } from './timer-values';
export { localResponse, Transaction } from './transaction';
export type {
  ClientTransactionUser,
  ServerTransactionUser,
  TimerName,
  TransactionEnvironment,
} from './transaction';
export { clientKey, isRfc3261Request, responseKey, sentBy, serverKey } from './transaction-key';
export { TransactionLayer } from './transaction-layer';
export type {
  ClientTransaction,
  ServerTransaction,
  TransactionLayerOptions,
  TransactionLayerUser,
  TransactionLimit,
} from './transaction-layer';
export {
  defaultPort,
  flowProtocol,
  isConnectionOriented,
  responseDestination,
  selectTransport,
} from './transport';
export type { Destination, Flow, Source, Transport } from './transport';
