/**
 * Words that work at any step of any dialogue: menu, cancel, a person, language, and opting out of
 * / back into notifications and surveys. Matched on the whole normalised message, so that "عندي
 * شكوى على الموظف" is a complaint and not a request for a person.
 */
import { normalizeArabic } from '../domain/arabic.js';
import type { Lang } from '../domain/text.js';
import { wantsPerson } from '../domain/wording.js';

/** A global command found in a message. */
export type Command =
  | { kind: 'menu' }
  | { kind: 'cancel' }
  | { kind: 'human' }
  | { kind: 'language'; lang: Lang | null }
  | { kind: 'optOut' }
  | { kind: 'optIn' };

const set = (...words: string[]) => new Set(words.map(normalizeArabic));

const MENU = set(
  'القائمة',
  'القائمه',
  'قائمة',
  'القائمة الرئيسية',
  'الرئيسية',
  'menu',
  'main menu',
  '0',
  'صفر',
  'البداية',
  'ابدأ من جديد',
  'start over',
);
const CANCEL = set('إلغاء', 'الغاء', 'الغ', 'الغي', 'cancel', 'stop this', 'خروج', 'exit');
const HUMAN = set(
  'موظف',
  'الموظف',
  'موظفة',
  'agent',
  'human',
  'person',
  'talk to a person',
  'talk to someone',
  'speak to an agent',
  'خدمة العملاء',
  'التحدث مع موظف',
  'أكلم موظف',
  'ابي اكلم موظف',
  'أبي أكلم موظف',
  'ابغى اكلم موظف',
  'ابغا اكلم موظف',
  'أريد التحدث مع موظف',
  'اريد موظف',
  'ابي موظف',
  'ابغى موظف',
  'ودي اكلم موظف',
  'ابي اكلم احد',
  'ابغى اكلم احد',
  'كلمني موظف',
);
const TO_EN = set('english', 'en', 'انجليزي', 'الانجليزية', 'انقلش');
const TO_AR = set('عربي', 'العربية', 'عربى', 'arabic', 'ar');
const LANG = set('language', 'اللغة', 'لغة', 'change language', 'تغيير اللغة');
const OPT_OUT = set(
  'إيقاف',
  'ايقاف',
  'stop',
  'unsubscribe',
  'الغاء الاشتراك',
  'إلغاء الاشتراك',
  'لا ترسل لي',
  'أوقف الرسائل',
  'اوقف الرسائل',
);
const OPT_IN = set('تفعيل', 'start', 'subscribe', 'اشتراك', 'إعادة الاشتراك', 'فعل الرسائل');

/** The command a text is, or null. */
export function detectCommand(text: string): Command | null {
  const t = normalizeArabic(text);
  if (!t || t.length > 80) return null;
  if (MENU.has(t)) return { kind: 'menu' };
  if (CANCEL.has(t)) return { kind: 'cancel' };
  if (HUMAN.has(t)) return { kind: 'human' };
  // "ممكن اكلم احد من الجمعية؟", "ابي احد يتواصل معي": a person in any wording (src/domain/wording.data.ts).
  if (wantsPerson(text)) return { kind: 'human' };
  if (TO_EN.has(t)) return { kind: 'language', lang: 'en' };
  if (TO_AR.has(t)) return { kind: 'language', lang: 'ar' };
  if (LANG.has(t)) return { kind: 'language', lang: null };
  if (OPT_OUT.has(t)) return { kind: 'optOut' };
  if (OPT_IN.has(t)) return { kind: 'optIn' };
  return null;
}
