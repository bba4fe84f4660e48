/**
 * Issue 12 (R11): every request and complaint records the version of the association's policy it
 * was filed under (the profile's id and version, e.g. `safwa_cooperative@2021-07-18`), in the
 * same transaction as the case itself, so the rules that applied are known after the policy's
 * yearly review changes them.
 */
import type { DomainEffect } from '../domain/flow-contract.js';
import type { Profile } from '../domain/profile.js';
import type { Stmt } from './database.js';

/** The version string recorded on a case. */
export function policyVersionOf(profile: Pick<Profile, 'id' | 'version'>): string {
  return `${profile.id}@${profile.version}`;
}

/** Statements that stamp the cases a turn creates with the policy version (run after their inserts). */
export function policyVersionStatements(effects: readonly DomainEffect[], profile: Pick<Profile, 'id' | 'version'>): Stmt[] {
  const version = policyVersionOf(profile);
  return effects.flatMap((e): Stmt[] => {
    if (e.kind === 'request.create')
      return [{ sql: 'UPDATE requests SET policy_version = ? WHERE ref = ?', params: [version, e.ref] }];
    if (e.kind === 'complaint.create')
      return [{ sql: 'UPDATE complaints SET policy_version = ? WHERE ref = ?', params: [version, e.ref] }];
    return [];
  });
}
