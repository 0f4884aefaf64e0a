/**
 * A tenant's extensions as transfer targets: the SIP user name of a phone credential (`1002`) names
 * its agent, whose registered contacts ring over the flows they registered on.
 */
import type { Kysely } from 'kysely';
import type { OriginateTarget } from '../calls';
import type { TenantExtensions } from '../calls/refer-tenant-targets';
import type { Database } from '../store/database';
import { deviceTarget } from './registrar/contact-targets';
import type { Registrar } from './registrar/registrar';
import { SipCredentialRepository, type SipCredentialStore } from './registrar/sip-credential-repository';
import { nodeDigestHash } from './sip-node-ports';
import type { TelephonyTables } from './telephony-tables';

/** Extensions of `realm` looked up in `credentials`, devices in the registrar's bindings. */
export function registeredExtensions(
  realm: string,
  credentials: Pick<SipCredentialStore, 'find'>,
  registrar: Pick<Registrar, 'contactsFor'>,
): TenantExtensions {
  return {
    async devicesOf(tenantId, extension): Promise<readonly OriginateTarget[] | undefined> {
      const credential = await credentials.find(realm, extension);
      // Another tenant's extension is not one of this tenant's: the caller treats it as a number.
      if (credential === undefined || credential.tenantId !== tenantId) return undefined;
      const contacts = await registrar.contactsFor(tenantId, credential.userId);
      // A browser among them is offered WebRTC, as when routing rings the agent.
      return contacts.map(deviceTarget);
    },
  };
}

/** {@link registeredExtensions} over the `sip_credentials` table. */
export function databaseExtensions(
  database: Database,
  realm: string,
  registrar: Pick<Registrar, 'contactsFor'>,
): TenantExtensions {
  const credentials = new SipCredentialRepository(database.db as Kysely<TelephonyTables>, nodeDigestHash);
  return registeredExtensions(realm, credentials, registrar);
}
