/**
 * Who is calling, in the two shapes the call needs: IVR caller attributes (`caller.vipLevel` in
 * flows) and routing contact attributes (`contact.vip` in queue expressions). Both come from one
 * screen pop of the customers context, looked up once per call, which is also what the ringing
 * agent is shown.
 */
import type { TenantId } from '@switchboard/kernel';
import type { ScreenPopPayload } from '@switchboard/contracts';
import type { CallerAttributes } from '@switchboard/ivr';
import type { ContactAttributes } from '@switchboard/routing';
import {
  contactAttributesFor,
  ivrCallerAttributesFor,
  screenPopPayload,
  type ScreenPopService,
} from '../customers/screen-pop';

/** The caller as the IVR and routing see them. */
export interface CallerProfile {
  /** E.164 when the number could be normalized, else the number as the trunk sent it. */
  readonly number: string;
  readonly ivr: CallerAttributes;
  readonly contact: ContactAttributes;
  /** What the agent's screen pop shows; absent when the CRM could not be asked. */
  readonly screenPop?: ScreenPopPayload;
}

/** Looks callers up; never rejects for an unknown or withheld number. */
export interface CallerProfiles {
  profileOf(tenantId: TenantId, callerNumber: string): Promise<CallerProfile>;
}

/** Caller profiles from the customers context's screen pops. */
export function screenPopProfiles(screenPops: Pick<ScreenPopService, 'screenPopFor'>): CallerProfiles {
  return {
    async profileOf(tenantId, callerNumber) {
      const pop = await screenPops.screenPopFor(tenantId, callerNumber);
      return {
        number: pop.caller.e164 ?? callerNumber,
        ivr: ivrCallerAttributesFor(pop),
        contact: contactAttributesFor(pop),
        screenPop: screenPopPayload(pop),
      };
    },
  };
}

/** The profile of a caller the CRM could not be asked about (its database failed). */
export function anonymousProfile(callerNumber: string): CallerProfile {
  return { number: callerNumber, ivr: { number: callerNumber }, contact: { vip: 0 } };
}
