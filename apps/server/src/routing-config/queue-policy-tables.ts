/** One queue's policy row; see `queue-policy-migrations.ts`. */
export interface QueuePoliciesTable {
  queue_id: string;
  tenant_id: string;
  max_wait_seconds: number | null;
  /** `voicemail`, `callback`, `hang-up` or `queue` (then `overflow_queue_id`); null: voicemail. */
  overflow: string | null;
  overflow_queue_id: string | null;
  callback_on_abandon: number;
  callback_min_wait_seconds: number;
  callback_max_attempts: number;
  callback_retry_seconds: number;
  announce_every_seconds: number;
  comfort_delay_seconds: number;
  offer_callback: number;
  voicemail_max_seconds: number;
  /** 1: the queue's calls are recorded. */
  record_calls: number;
}

/** The queue-policy table. */
export interface QueuePolicyTables {
  queue_policies: QueuePoliciesTable;
}
