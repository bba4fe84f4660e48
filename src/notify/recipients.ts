/**
 * Who on the staff hears about a case (R7: a contact officer per category): the staff outbox
 * recipient of the officer responsible for a request type or a complaint, and of management.
 * A recipient is the officer's Telegram chat id, or 'default' (the staff group and the console).
 */
import type { Profile } from '../domain/profile.js';
import type { LocalText } from '../domain/text.js';

/** Officer category that follows complaints up, when the profile has an officer for it. */
export const COMPLAINTS_CATEGORY = 'complaints';
/** Officer category of management (escalations, R8: management follows the complaints link). */
export const MANAGEMENT_CATEGORY = 'management';

/** A staff member to alert, as the staff outbox needs it. */
export interface StaffRecipient {
  /** Outbox recipient on the 'staff' channel: a Telegram chat id or 'default'. */
  recipient: string;
  /** The officer's role, for the alert text. */
  name: LocalText | null;
}

/** The officer of a category (R7), or the staff group when nobody holds it. */
export function officerFor(profile: Profile, category: string): StaffRecipient {
  const officer = profile.officers.find((o) => o.categories.includes(category));
  return { recipient: officer?.telegramChatId ?? 'default', name: officer?.name ?? null };
}

/** The officer category responsible for a case: the request type's, or the complaints officer's. */
export function caseCategory(profile: Profile, kind: 'request' | 'complaint', subject: string): string {
  if (kind === 'request') return profile.requestTypes.find((t) => t.id === subject)?.category ?? profile.handoff.defaultCategory;
  return profile.officers.some((o) => o.categories.includes(COMPLAINTS_CATEGORY))
    ? COMPLAINTS_CATEGORY
    : profile.handoff.defaultCategory;
}

/** Management: the officer with the 'management' category, else the staff group. */
export function managementOf(profile: Profile): StaffRecipient {
  return officerFor(profile, MANAGEMENT_CATEGORY);
}

/** The name of a case as the person knows it: the request type or the complaint category (LocalText). */
export function caseTitle(profile: Profile, kind: 'request' | 'complaint', subject: string): LocalText {
  const found =
    kind === 'request'
      ? profile.requestTypes.find((t) => t.id === subject)?.name
      : profile.complaintCategories.find((c) => c.id === subject)?.name;
  return found ?? { ar: subject, en: subject };
}

/** The committee's name (R3e), or its id when the profile no longer has it. */
export function committeeName(profile: Profile, id: string): LocalText {
  return profile.committees.find((c) => c.id === id)?.name ?? { ar: id, en: id };
}
