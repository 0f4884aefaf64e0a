import { describe, expect, it } from 'vitest';
import { statusForCode } from '../http/problem-status';
import { CallRecordCode } from '../call-records/call-record-codes';
import { CallActionCode } from './call-action-codes';

describe('call action and call record codes', () => {
  it('each map to an HTTP status: conflicts 409, absent calls 404, what the server lacks 503', () => {
    for (const code of [...Object.values(CallActionCode), ...Object.values(CallRecordCode)])
      expect(statusForCode(code).known, code).toBe(true);
    expect(statusForCode(CallActionCode.NOT_HELD).status).toBe(409);
    expect(statusForCode(CallActionCode.NOT_FOUND).status).toBe(404);
    expect(statusForCode(CallActionCode.NOT_YOUR_CALL).status).toBe(403);
    expect(statusForCode(CallActionCode.NO_OUTBOUND_TRUNK).status).toBe(503);
    expect(statusForCode(CallRecordCode.NOT_FOUND).status).toBe(404);
  });
});
