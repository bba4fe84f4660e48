import { afterAll, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { type ComplaintInput, complaintMachine, readAmount } from '../../flows/complaint.machine.js';
import type { Reply, UserInput } from '../../flows/types.js';
import { deadlineDate, deadlineParams } from '../../src/domain/deadline.js';
import { localeValue } from '../support/locales.js';
import { asReply, startFlow } from './harness.js';

// --- Given: a small cooperative profile (seed 002), inline -------------------------------------

const committees: ComplaintInput['committees'] = [
  {
    id: 'follow_up',
    name: { ar: 'لجنة المتابعة', en: 'Follow-up committee' },
    // R3e: seed 002 states no answer time for complaints, so the follow-up committee has none.
    deadline: { kind: 'none' },
  },
  {
    id: 'investigation',
    name: { ar: 'لجنة التحقيق والمتابعة', en: 'Investigation and follow-up committee' },
    // A policy that does state one (none of the five seeds does for complaints): within 10 days.
    deadline: { kind: 'within', days: 10, unit: 'calendar', from: 'submission' },
  },
];

const categories: ComplaintInput['categories'] = [
  { id: 'service', name: { ar: 'الخدمة', en: 'Service' }, committee: 'follow_up', compensation: false },
  { id: 'staff_conduct', name: { ar: 'سلوك الموظفين', en: 'Staff conduct' }, committee: 'follow_up', compensation: false },
  { id: 'delay', name: { ar: 'تأخر', en: 'Delay' }, committee: 'follow_up', compensation: false },
  { id: 'technical', name: { ar: 'مشكلة تقنية', en: 'Technical problem' }, committee: 'follow_up', compensation: false },
  { id: 'compensation', name: { ar: 'طلب تعويض', en: 'Compensation claim' }, committee: 'investigation', compensation: true },
];

const calendar: ComplaintInput['calendar'] = { workingDays: [0, 1, 2, 3, 4], holidays: [], timezone: 'Asia/Riyadh' };

const input: ComplaintInput = { beneficiaryId: 'b-1', lang: 'ar', categories, committees, calendar, reference: 'C-4HT8-P2WN' };

/** Sunday 29 November 2026, 12:00 in Riyadh. */
const AT = '2026-11-29T09:00:00.000Z';

const text = (t: string): UserInput => ({ kind: 'text', text: t });
const choice = (id: string): UserInput => ({ kind: 'choice', id });
const photo: UserInput = {
  kind: 'attachment',
  attachment: { kind: 'image', mimeType: 'image/jpeg', size: 200_000, fileName: 'damage.jpg', storageKey: 'att/123' },
};
const pdf: UserInput = {
  kind: 'attachment',
  attachment: { kind: 'document', mimeType: 'application/pdf', size: 500_000, fileName: 'invoice.pdf', storageKey: 'att/456' },
};
const sticker: UserInput = { kind: 'attachment', attachment: { kind: 'sticker', mimeType: 'image/webp', size: 20_000 } };

const GARBAGE: [string, UserInput][] = [
  ['emoji', text('🔥🚀')],
  ['10,000 characters', text('ب'.repeat(10_000))],
  ['empty text', text('')],
  ['RTL marks only', text('\u200f\u200e\u202b\u202c')],
  ['sticker', sticker],
  ['location', { kind: 'location', latitude: 26.65, longitude: 49.95 }],
  ['contact', { kind: 'contact', phone: '0551234567' }],
  ['unknown choice', choice('zzz')],
];

/** Every key any test saw, to check both locales have it. */
const seenKeys = new Set<string>();

function start(overrides: Partial<ComplaintInput> = {}) {
  const run = startFlow(complaintMachine, { ...input, ...overrides }, { seen: seenKeys });
  const say = (i: UserInput, at = AT): Reply[] => run.step(i, at).map(asReply);
  const reprompt = (): Reply[] => run.reprompt().map(asReply);
  return {
    actor: run.actor,
    get replies() {
      return run.replies().map(asReply);
    },
    get effects() {
      return run.effects();
    },
    say,
    reprompt,
    state: run.state,
  };
}

const DESCRIPTION = 'تأخر صرف السلة الغذائية ثلاثة أسابيع رغم اعتماد الطلب';

/** Drives a dialogue to the given state. */
function at(state: 'category' | 'description' | 'harm' | 'amount' | 'attachment' | 'confirm') {
  const t = start();
  if (state === 'category') return t;
  const compensation = state === 'harm' || state === 'amount';
  t.say(choice(compensation ? 'cat:compensation' : 'cat:service'));
  if (state === 'description') return t;
  t.say(text(DESCRIPTION));
  if (state === 'harm') return t;
  if (state === 'amount') {
    t.say(text('تلفت المواد الغذائية'));
    return t;
  }
  if (state === 'attachment') return t;
  t.say(choice('skip'));
  return t;
}

const last = (rs: Reply[]) => rs[rs.length - 1];

describe('complaintMachine', () => {
  it('asks for the category with one choice per profile category', () => {
    const { replies, state } = start();
    expect(state()).toBe('category');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.key).toBe('complaint:category.question');
    expect(replies[0]?.choices?.map((c) => c.id)).toEqual([
      'cat:service',
      'cat:staff_conduct',
      'cat:delay',
      'cat:technical',
      'cat:compensation',
    ]);
    expect(replies[0]?.choices?.[4]?.params?.name).toEqual({ ar: 'طلب تعويض', en: 'Compensation claim' });
  });

  it('also takes a category typed by its name', () => {
    const t = start();
    t.say(text('مشكلة تقنية'));
    expect(t.state()).toBe('description');
  });

  it.each(['service', 'staff_conduct', 'delay', 'technical'])('files a %s complaint routed to the follow-up committee', (id) => {
    // Given a complaint of a non-compensation category
    const t = start();
    const r1 = t.say(choice(`cat:${id}`));
    expect(r1.map((r) => r.key)).toEqual(['complaint:description.question']);
    // When the person describes it, skips the attachment and confirms
    const r2 = t.say(text(DESCRIPTION));
    expect(t.state()).toBe('attachment');
    expect(r2[0]?.key).toBe('complaint:attachment.question');
    expect(r2[0]?.choices?.map((c) => c.id)).toEqual(['skip']);
    const r3 = t.say(choice('skip'));
    expect(r3[0]?.key).toBe('complaint:confirm.basic');
    expect(r3[0]?.choices?.map((c) => c.id)).toEqual(['confirm', 'edit', 'cancel']);
    const r4 = t.say(choice('confirm'));
    // Then a complaint record is written with a C- reference and the committee, and no deadline,
    // since the committee's policy states none (R3e, R5)
    expect(t.effects).toHaveLength(1);
    const effect = t.effects[0];
    if (effect?.kind !== 'complaint.create') throw new Error('expected complaint.create');
    expect(effect.ref).toMatch(/^C-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(effect.category).toBe(id);
    expect(effect.committee).toBe('follow_up');
    expect(effect.description).toBe(DESCRIPTION);
    expect(effect.data).toEqual({});
    expect(effect.at).toBe(AT);
    expect(effect.deadline).toEqual({ kind: 'none' });
    expect(effect.dueAt).toBeNull();
    // And the person gets the reference and the committee, and no invented date
    expect(r4).toHaveLength(1);
    expect(r4[0]?.key).toBe('complaint:submitted');
    expect(r4[0]?.params).toMatchObject({
      ref: effect.ref,
      committee: { ar: 'لجنة المتابعة', en: 'Follow-up committee' },
      deadline: 'none',
    });
    expect(t.actor.getSnapshot().status).toBe('done');
    expect(t.actor.getSnapshot().output).toEqual({ next: 'menu' });
  });

  it('R4: a compensation claim asks what happened, the harm and the amount (Arabic-Indic digits)', () => {
    // Given a compensation claim
    const t = start();
    expect(t.say(choice('cat:compensation'))[0]?.key).toBe('complaint:description.questionCompensation');
    // When the person says what happened, the harm, and '١٬٥٠٠' riyals
    expect(t.say(text(DESCRIPTION))[0]?.key).toBe('complaint:harm.question');
    const amountQ = t.say(text('تلفت المواد الغذائية واضطررت لشرائها'));
    expect(amountQ[0]?.key).toBe('complaint:amount.question');
    expect(amountQ[0]?.choices?.map((c) => c.id)).toEqual(['skip']);
    expect(t.say(text('١٬٥٠٠'))[0]?.key).toBe('complaint:attachment.question');
    const summary = t.say(photo);
    // Then the summary shows the amount and the attachment
    expect(summary[0]?.key).toBe('complaint:confirm.compensationAmountAttachment');
    expect(summary[0]?.params?.amount).toEqual({ ar: '١٬٥٠٠', en: '1,500' });
    t.say(choice('confirm'));
    // And the record goes to the investigation committee with harm, amount and attachment
    const effect = t.effects[0];
    if (effect?.kind !== 'complaint.create') throw new Error('expected complaint.create');
    expect(effect.committee).toBe('investigation');
    expect(effect.category).toBe('compensation');
    expect(effect.data).toEqual({
      harm: 'تلفت المواد الغذائية واضطررت لشرائها',
      amount: 1500,
      attachment: { kind: 'image', storageKey: 'att/123', fileName: 'damage.jpg', mimeType: 'image/jpeg' },
    });
    // R3e: a committee whose policy states a maximum gives its date, and the person is told it
    const rule = { kind: 'within', days: 10, unit: 'calendar', from: 'submission' } as const;
    const due = deadlineDate(rule, { submittedAt: new Date(AT), completedAt: new Date(AT) }, calendar);
    expect(effect.deadline).toEqual(rule);
    expect(effect.dueAt).toBe(due?.toISOString());
    expect(t.replies.at(-1)?.params).toMatchObject(deadlineParams({ rule, dueAt: due }, 'Asia/Riyadh'));
  });

  it('R4: the amount can be skipped by the button or by saying there is none', () => {
    const t = at('amount');
    t.say(choice('skip'));
    expect(t.state()).toBe('attachment');
    const summary = t.say(pdf);
    expect(summary[0]?.key).toBe('complaint:confirm.compensationAttachment');
    t.say(choice('confirm'));
    const effect = t.effects[0];
    if (effect?.kind !== 'complaint.create') throw new Error('expected complaint.create');
    expect(effect.data).toEqual({
      harm: 'تلفت المواد الغذائية',
      attachment: { kind: 'document', storageKey: 'att/456', fileName: 'invoice.pdf', mimeType: 'application/pdf' },
    });

    const u = at('amount');
    u.say(text('لا يوجد'));
    expect(u.state()).toBe('attachment');
    expect(u.say(choice('skip'))[0]?.key).toBe('complaint:confirm.compensation');
  });

  it('reads amounts in either script, with separators and a currency word', () => {
    expect(readAmount(text('١٬٥٠٠'))).toEqual({ ok: true, value: 1500 });
    expect(readAmount(text('2,000 ريال'))).toEqual({ ok: true, value: 2000 });
    expect(readAmount(text('٠'))).toEqual({ ok: true, value: 0 });
    expect(readAmount(choice('none'))).toEqual({ ok: true, value: null });
    expect(readAmount(text('-5')).ok).toBe(false);
  });

  it('re-asks the amount when it is not a number or is negative', () => {
    const t = at('amount');
    const r = t.say(text('مبلغ كبير'));
    expect(r.map((x) => x.key)).toEqual(['validation:number.format', 'complaint:amount.question']);
    const r2 = t.say(text('-300'));
    expect(r2.map((x) => x.key)).toEqual(['validation:number.min', 'complaint:amount.question']);
    expect(t.state()).toBe('amount');
  });

  it('re-asks the description politely when it is too short or too long', () => {
    const t = at('description');
    const short = t.say(text('سيء'));
    expect(short.map((r) => r.key)).toEqual(['validation:text.tooShort', 'complaint:description.question']);
    expect(short[0]?.params).toEqual({ min: 10 });
    const long = t.say(text('ا'.repeat(2001)));
    expect(long.map((r) => r.key)).toEqual(['validation:text.tooLong', 'complaint:description.question']);
    const photoInstead = t.say(photo);
    expect(photoInstead.map((r) => r.key)).toEqual(['complaint:description.textOnly', 'complaint:description.question']);
    expect(t.state()).toBe('description');
  });

  it('re-asks the harm when it is missing', () => {
    const t = at('harm');
    expect(t.say(text('')).map((r) => r.key)).toEqual(['validation:text.empty', 'complaint:harm.question']);
    expect(t.say(pdf).map((r) => r.key)).toEqual(['complaint:harm.textOnly', 'complaint:harm.question']);
    expect(t.state()).toBe('harm');
  });

  it('re-asks the attachment when it is too big, of the wrong type, or text', () => {
    const t = at('attachment');
    const big = t.say({ kind: 'attachment', attachment: { kind: 'image', mimeType: 'image/jpeg', size: 50 * 1024 * 1024 } });
    expect(big.map((r) => r.key)).toEqual(['validation:document.size', 'complaint:attachment.question']);
    const word = t.say({
      kind: 'attachment',
      attachment: { kind: 'document', mimeType: 'application/msword', fileName: 'x.doc' },
    });
    expect(word.map((r) => r.key)).toEqual(['validation:document.type', 'complaint:attachment.question']);
    const voice = t.say({ kind: 'attachment', attachment: { kind: 'audio', mimeType: 'audio/ogg' } });
    expect(voice.map((r) => r.key)).toEqual(['validation:document.type', 'complaint:attachment.question']);
    expect(t.say(sticker).map((r) => r.key)).toEqual(['validation:document.type', 'complaint:attachment.question']);
    const typed = t.say(text('سأرسلها لاحقًا'));
    expect(typed.map((r) => r.key)).toEqual(['complaint:attachment.expected', 'complaint:attachment.question']);
    expect(t.state()).toBe('attachment');
    // And a good photo then goes through
    t.say(photo);
    expect(t.state()).toBe('confirm');
  });

  it('edit starts the description again and keeps the category', () => {
    const t = at('confirm');
    const r = t.say(choice('edit'));
    expect(r.map((x) => x.key)).toEqual(['complaint:description.question']);
    t.say(text('وصف جديد ومفصل للمشكلة التي حدثت'));
    t.say(choice('skip'));
    t.say(choice('confirm'));
    const effect = t.effects[0];
    if (effect?.kind !== 'complaint.create') throw new Error('expected complaint.create');
    expect(effect.description).toBe('وصف جديد ومفصل للمشكلة التي حدثت');
    expect(effect.category).toBe('service');
  });

  it('cancel writes nothing and returns to the menu', () => {
    const t = at('confirm');
    const r = t.say(choice('cancel'));
    expect(r.map((x) => x.key)).toEqual(['complaint:cancelled']);
    expect(t.effects).toEqual([]);
    expect(t.actor.getSnapshot().status).toBe('done');
    expect(t.actor.getSnapshot().output).toEqual({ next: 'menu' });
  });

  it('does not submit with an unreadable time and says so politely', () => {
    const t = at('confirm');
    const r = t.say(choice('confirm'), 'not a date');
    expect(r.map((x) => x.key)).toEqual(['complaint:submitFailed', 'complaint:confirm.basic']);
    expect(t.effects).toEqual([]);
    expect(t.state()).toBe('confirm');
  });

  it('does not submit when the category names an unknown committee', () => {
    const t = start({ categories: [{ id: 'odd', name: { ar: 'أخرى', en: 'Other' }, committee: 'nobody', compensation: false }] });
    t.say(choice('cat:odd'));
    t.say(text(DESCRIPTION));
    t.say(choice('skip'));
    expect(t.say(choice('confirm'))[0]?.key).toBe('complaint:submitFailed');
    expect(t.actor.getSnapshot().status).toBe('active');
  });

  it('keeps a long description whole in the record but short in the summary', () => {
    const t = at('description');
    const long = 'ش'.repeat(1500);
    t.say(text(long));
    const summary = t.say(choice('skip'));
    expect(String(summary[0]?.params?.description).length).toBeLessThanOrEqual(301);
    t.say(choice('confirm'));
    const effect = t.effects[0];
    expect(effect?.kind === 'complaint.create' && effect.description).toBe(long);
  });

  const QUESTION: Record<string, string> = {
    category: 'complaint:category.question',
    description: 'complaint:description.question',
    harm: 'complaint:harm.question',
    amount: 'complaint:amount.question',
    attachment: 'complaint:attachment.question',
    confirm: 'complaint:confirm.basic',
  };
  const STATES = ['category', 'description', 'harm', 'amount', 'attachment', 'confirm'] as const;

  it.each(STATES)('re-emits the %s question on flow.reprompt', (state) => {
    const t = at(state);
    const before = t.replies[t.replies.length - 1];
    const r = t.reprompt();
    expect(r).toHaveLength(1);
    expect(r[0]).toEqual(before);
    expect(r[0]?.key).toBe(QUESTION[state]);
    expect(t.state()).toBe(state);
  });

  describe.each(STATES)('garbage in the %s state', (state) => {
    it.each(GARBAGE)('%s gets a reply and the dialogue goes on', (_name, garbage) => {
      const t = at(state);
      const r = t.say(garbage);
      expect(r.length).toBeGreaterThanOrEqual(1);
      expect(last(r)?.key).toBe(QUESTION[state]);
      expect(t.actor.getSnapshot().status).toBe('active');
      expect(t.state()).toBe(state);
      expect(t.effects).toEqual([]);
    });
  });

  it('an unknown choice in a choice question gets common:chooseFromList', () => {
    for (const state of ['category', 'amount', 'attachment', 'confirm'] as const) {
      const t = at(state);
      expect(t.say(choice('nope')).map((r) => r.key)).toEqual(['common:chooseFromList', QUESTION[state]]);
    }
  });

  it('persists as JSON and resumes where it stopped', () => {
    const t = at('attachment');
    const snapshot = JSON.parse(JSON.stringify(t.actor.getPersistedSnapshot()));
    const restored = createActor(complaintMachine, { snapshot, input });
    const replies: string[] = [];
    restored.on('reply', (e) => replies.push(e.key));
    restored.start();
    restored.send({ type: 'user.message', input: choice('skip'), at: AT });
    expect(replies).toEqual(['complaint:confirm.basic']);
  });

  afterAll(() => {
    // Every key the dialogue used exists in both languages
    for (const lang of ['ar', 'en']) {
      for (const key of seenKeys) {
        const value = localeValue(lang, key);
        expect(typeof value, `${lang} ${key}`).toBe('string');
      }
    }
  });
});
