/**
 * Who on the staff may do what (issue 13, R6: access to personal data on a need-to-know basis).
 * - officer: the cases of their categories (and cases assigned to them): the form unmasked, the
 *   documents, verification, notes, asking for missing information;
 * - committee member: the cases of their committees, and deciding them;
 * - manager: every case, deciding, reassigning, taking a conversation over, the reports;
 * - admin: the accounts only (no case data).
 */
import type { Profile } from '../domain/profile.js';
import type { StaffAccount } from './accounts.js';

/** What access is decided on. */
export interface CaseScope {
  kind: 'request' | 'complaint';
  /** The officer category responsible for the case (see {@link caseCategory}). */
  category: string;
  committee: string;
  /** The account a manager assigned the case to, if any. */
  assignedTo: string | null;
}

/** The officer category responsible for a case: the request type's, or the complaints officer's. */
export function caseCategory(profile: Profile, kind: 'request' | 'complaint', topic: string): string {
  if (kind === 'request') return profile.requestTypes.find((t) => t.id === topic)?.category ?? profile.handoff.defaultCategory;
  // R4/R7: complaints go to the complaints officer (the follow-up committee's contact), when the
  // profile has one; otherwise to the default officer.
  const complaints = profile.officers.find((o) => o.categories.includes('complaints'));
  return complaints ? 'complaints' : profile.handoff.defaultCategory;
}

/** True when the account may open the case, its form and its documents. */
export function canSeeCase(a: StaffAccount, c: CaseScope): boolean {
  if (a.disabled) return false;
  if (a.role === 'manager') return true;
  if (c.assignedTo === a.id) return true;
  if (a.role === 'officer') return a.scope.includes(c.category);
  if (a.role === 'committee') return a.scope.includes(c.committee);
  return false;
}

/** True when the account may record a committee decision on the case. */
export function canDecide(a: StaffAccount, c: CaseScope): boolean {
  if (!canSeeCase(a, c)) return false;
  return a.role === 'manager' || (a.role === 'committee' && a.scope.includes(c.committee));
}

/** True when the account may verify, write notes and ask for missing information. */
export function canWork(a: StaffAccount, c: CaseScope): boolean {
  return canSeeCase(a, c) && a.role !== 'admin';
}

/** Reassigning cases, taking conversations over and the reports are the manager's. */
export function isManager(a: StaffAccount): boolean {
  return !a.disabled && a.role === 'manager';
}

/** The accounts page is the admin's. */
export function isAdmin(a: StaffAccount): boolean {
  return !a.disabled && a.role === 'admin';
}

/** True when the account may see the lists of requests and complaints at all. */
export function seesCases(a: StaffAccount): boolean {
  return !a.disabled && a.role !== 'admin';
}
