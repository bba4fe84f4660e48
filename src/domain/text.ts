/** Languages the product speaks; Arabic first. */
export type Lang = 'ar' | 'en';

/** A text in both languages, as the association profile holds its content. */
export interface LocalText {
  ar: string;
  en: string;
}

/** True when a value is a {@link LocalText}. */
export function isLocalText(v: unknown): v is LocalText {
  return typeof v === 'object' && v !== null && 'ar' in v && 'en' in v;
}
