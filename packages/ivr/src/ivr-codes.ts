/**
 * Stable rejection codes of the IVR package. HTTP problem documents carry them unchanged, so a code
 * is never renamed or reused.
 */
export const IvrCode = {
  /** A flow document failed validation; `details.errors` lists `path: message` lines. */
  InvalidFlow: 'IVR.INVALID_FLOW',
  /** A flow id and version that is already published (versions are immutable). */
  FlowVersionExists: 'IVR.FLOW_VERSION_EXISTS',
} as const;

export type IvrCode = (typeof IvrCode)[keyof typeof IvrCode];
