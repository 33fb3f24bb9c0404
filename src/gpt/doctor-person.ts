import { randomBytes } from 'node:crypto';
import { createUser, deleteUser, findUserByEmail, type User } from '../accounts/users.js';
import { deleteUsageRows } from '../api/usage.js';
import type { Db } from '../db/index.js';
import { listConnectedApps, revokeGrant } from '../oauth/grants.js';

/** The person `larder doctor` signs in as, and what it must undo afterwards. */
export interface DoctorPerson {
  user: User;
  email: string;
  password: string;
  /** Made by the doctor (--create-test-user): deleted afterwards, with every grant. */
  throwaway: boolean;
  /** The person's grants for the client before the run: never touched by the clean-up. */
  grantsBefore: Set<string>;
}

/** A domain that can never receive mail (RFC 2606 section 2), so the throwaway person is recognisable. */
const THROWAWAY_DOMAIN = 'larder.invalid';

async function grantsFor(db: Db, userId: string, clientId: string): Promise<string[]> {
  return (await listConnectedApps(db, userId)).filter((app) => app.clientId === clientId).map((app) => app.grantId);
}

/** `--create-test-user`: a person with a random email and password, on the free plan. */
export async function createThrowawayPerson(db: Db): Promise<DoctorPerson> {
  const email = `doctor-${randomBytes(6).toString('hex')}@${THROWAWAY_DOMAIN}`;
  const password = randomBytes(18).toString('base64url');
  const user = await createUser(db, { email, password, name: 'Larder doctor' });
  return { user, email, password, throwaway: true, grantsBefore: new Set() };
}

/** `--email`: an existing person; records which grants they already had for the client. */
export async function existingPerson(db: Db, user: User, password: string, clientId: string): Promise<DoctorPerson> {
  return { user, email: user.email, password, throwaway: false, grantsBefore: new Set(await grantsFor(db, user.id, clientId)) };
}

export async function findPerson(db: Db, email: string): Promise<User | undefined> {
  return findUserByEmail(db, email);
}

/**
 * Undoes what the doctor did in the database, whatever happened during the run: every
 * grant the run created is revoked (with its codes and tokens), and a throwaway person
 * is deleted. A grant the person had before is left alone.
 */
export async function cleanUpPerson(db: Db, person: DoctorPerson, clientId: string): Promise<{ revokedGrants: number; deletedPerson: boolean }> {
  const grants = person.throwaway ? (await listConnectedApps(db, person.user.id)).map((app) => app.grantId) : await grantsFor(db, person.user.id, clientId);
  let revokedGrants = 0;
  for (const grantId of grants) {
    if (person.grantsBefore.has(grantId)) continue;
    if (await revokeGrant(db, grantId, { accountId: person.user.id })) revokedGrants++;
  }
  // The doctor's own API calls are history too: they go with the throwaway person.
  const deletedPerson = person.throwaway ? await deleteUser(db, person.user.id, (trx) => deleteUsageRows(trx, person.user.id)) : false;
  return { revokedGrants, deletedPerson };
}
