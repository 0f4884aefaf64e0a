import { scryptPasswordHasher } from '../../src/identity/password-hasher';

/** A cheap scrypt cost: the format and code path are production's, the work is not. */
export const testHasher = scryptPasswordHasher({ cost: 2 ** 10 });
