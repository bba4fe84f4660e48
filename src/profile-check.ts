import { checkProfile } from './domain/profile.js';

/** First-strong isolate … pop: a path, id or date keeps its order inside Arabic text. */
const iso = (s: string): string => `\u2068${s}\u2069`;

/**
 * Issue 12: the report of `npm run cli -- profile check <file>`, in Arabic for the association's
 * staff: exit code 0 with what the association must still supply (content its policy does not
 * state, which the bot does not make up), or 1 with each wrong field and the reason.
 */
export function profileCheckReport(file: string): { text: string; code: number } {
  const r = checkProfile(file);
  if (!r.ok) {
    const lines = r.issues.map((i) => `• الحقل ${iso(i.path)}: ${i.message}`);
    return { text: `الملف ${iso(file)} غير صالح، صحّح ما يلي:\n${lines.join('\n')}\n`, code: 1 };
  }
  const p = r.profile;
  const approval = p.policy?.approval
    ? `اعتمدها مجلس الإدارة في ${iso(p.policy.approval.date)}${p.policy.approval.session ? ` (الجلسة ${iso(p.policy.approval.session)})` : ''}`
    : 'تاريخ اعتمادها غير مذكور';
  const head = `الملف صالح: ${p.name.ar} (${iso(p.id)})، إصدار السياسة ${iso(p.version)}، ${approval}.`;
  if (p.missing.length === 0) return { text: `${head}\nلا ينقصه شيء على الجمعية أن تزوّد به.\n`, code: 0 };
  const lines = p.missing.map((m) => `• ${m.what.ar} [${iso(m.path)}]`);
  return {
    text: `${head}\nعلى الجمعية أن تزوّد بما لا تذكره سياستها (لا يذكره المساعد للمستفيدين حتى يُضاف):\n${lines.join('\n')}\n`,
    code: 0,
  };
}
