import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { type RequestInput, requestMachine } from '../../flows/request.machine.js';
import type { CaseSummary, LocalText, Reply, UserInput } from '../../flows/types.js';
import type { WorkCalendar } from '../../src/domain/calendar.js';
import { parseProfile } from '../../src/domain/profile.js';
import { isLocalText } from '../../src/domain/text.js';
import { nationalIdCheckDigit, validateIban, validateNationalId } from '../../src/domain/validators.js';
import { AT, choice, type ReplyEvent, startFlow, text } from './harness.js';

// ---- a small inline profile: two request types, two committees with the two SLA kinds (R3e) ----

const lt = (ar: string, en: string): LocalText => ({ ar, en });

const profile = parseProfile({
  id: 'test_org',
  version: '2025.1',
  kind: 'charity',
  name: lt('جمعية الاختبار', 'Test Association'),
  languages: ['ar', 'en'],
  workingHours: { start: '08:00', end: '15:00' },
  consent: { version: '1', text: lt('نص الخصوصية', 'Privacy text') },
  committees: [
    {
      id: 'research',
      name: lt('لجنة البحث الاجتماعي', 'Social Research Committee'),
      // R3e, seed 000: «خلال مدة لا تقل عن أسبوعين», a minimum
      deadline: { kind: 'notBefore', days: 14, unit: 'calendar', from: 'submission' },
    },
    {
      id: 'followup',
      name: lt('لجنة المتابعة', 'Follow-up Committee'),
      // R3e, seed 002: «لا تتجاوز (15) يوم عمل من تاريخ اكتمال الطلب», a maximum from completion
      deadline: { kind: 'within', days: 15, unit: 'working', from: 'completion' },
    },
  ],
  officers: [{ id: 'officer_1', name: lt('الباحث', 'Researcher'), categories: ['social', 'training'] }],
  requestTypes: [
    {
      id: 'food_basket',
      name: lt('سلة غذائية', 'Food basket'),
      description: lt('سلة غذائية شهرية للأسر المحتاجة', 'A monthly food basket for families in need'),
      committee: 'research',
      category: 'social',
      fields: [
        { id: 'national_id', label: lt('رقم الهوية', 'ID number'), type: 'nationalId' },
        { id: 'mobile', label: lt('رقم الجوال', 'mobile number'), type: 'phone' },
        { id: 'family_size', label: lt('عدد أفراد الأسرة', 'family size'), type: 'number', min: 1, max: 30 },
        {
          id: 'housing',
          label: lt('نوع السكن', 'Housing'),
          type: 'choice',
          options: [
            { id: 'owned', label: lt('ملك', 'Owned') },
            { id: 'rented', label: lt('إيجار', 'Rented') },
          ],
        },
        { id: 'notes', label: lt('ملاحظات', 'notes'), type: 'text', required: false },
      ],
      eligibility: [
        {
          id: 'resident',
          question: lt('هل تقيم في المدينة؟', 'Do you live in the city?'),
          ineligibleIf: 'no',
          explanation: lt('الخدمة لسكان المدينة', 'The service is for residents'),
        },
        {
          id: 'other_support',
          question: lt('هل تتلقى دعمًا مماثلًا؟', 'Do you receive similar support?'),
          ineligibleIf: 'yes',
          explanation: lt('لا يُجمع بين دعمين', 'Support is not doubled'),
        },
      ],
    },
    {
      id: 'training',
      name: lt('برنامج تدريبي', 'Training programme'),
      description: lt('التسجيل في برنامج تدريبي', 'Enrolment in a training programme'),
      committee: 'followup',
      category: 'training',
      officerReview: true,
      fields: [
        { id: 'iban', label: lt('رقم الآيبان', 'IBAN'), type: 'iban' },
        { id: 'birth_date', label: lt('تاريخ الميلاد', 'date of birth'), type: 'date' },
        { id: 'certificate', label: lt('الشهادة', 'certificate'), type: 'document', accept: ['pdf'] },
      ],
    },
  ],
  faq: [{ id: 'hours', question: lt('متى الدوام؟', 'Opening hours?'), answer: lt('من الأحد إلى الخميس', 'Sunday to Thursday') }],
  complaintCategories: [{ id: 'service', name: lt('الخدمة', 'Service'), committee: 'followup' }],
  rating: { questions: [{ id: 'overall', text: lt('ما تقييمك؟', 'Your rating?') }] },
  handoff: { defaultCategory: 'social' },
});

const calendar: WorkCalendar = { workingDays: profile.workingDays, holidays: profile.holidays, timezone: profile.timezone };

const VALID_ID = `100000000${nationalIdCheckDigit('100000000')}`;
const VALID_IBAN = 'SA0380000000608010167519';

// ---- harness ----

const baseInput: RequestInput = {
  beneficiaryId: 'b-1',
  lang: 'ar',
  requestTypes: profile.requestTypes,
  committees: profile.committees,
  calendar,
  reference: 'R-7KQ3-M9XD',
};
const sticker: UserInput = { kind: 'attachment', attachment: { kind: 'sticker', mimeType: 'image/webp' } };

interface StartOptions {
  typeId?: string;
  requestTypes?: RequestInput['requestTypes'];
  open?: CaseSummary | null | Error;
}

async function startRequest(opts: StartOptions = {}) {
  const machine = requestMachine.provide({
    actors: {
      findOpenRequest: fromPromise(async () => {
        if (opts.open instanceof Error) throw opts.open;
        return opts.open ?? null;
      }),
    },
  });
  const run = startFlow(machine, {
    ...baseInput,
    requestTypes: opts.requestTypes ?? profile.requestTypes,
    ...(opts.typeId ? { typeId: opts.typeId } : {}),
  });
  await run.settle();
  return {
    ...run,
    lastReply: (): ReplyEvent => {
      const r = run.last();
      if (!r) throw new Error('no reply yet');
      return r;
    },
  };
}

type Flow = Awaited<ReturnType<typeof startRequest>>;

const choiceIds = (r: Reply) => (r.choices ?? []).map((c) => c.id);

/** A reply parameter that must be text in both languages. */
function localParam(r: Reply, name: string): LocalText {
  const v = r.params?.[name];
  if (!isLocalText(v)) throw new Error(`param ${name} is not a LocalText`);
  return v;
}

const FOOD_ANSWERS: UserInput[] = [text(VALID_ID), text('0551234567'), text('5'), choice('opt:rented'), choice('skip')];

/** Food basket up to the first field (both eligibility questions passed). */
async function foodAtFields(): Promise<Flow> {
  const f = await startRequest({ typeId: 'food_basket' });
  await f.send(choice('yes'));
  await f.send(choice('no'));
  return f;
}

async function foodAtSummary(): Promise<Flow> {
  const f = await foodAtFields();
  for (const a of FOOD_ANSWERS) await f.send(a);
  return f;
}

async function trainingAtSummary(): Promise<Flow> {
  const f = await startRequest({ typeId: 'training' });
  await f.send(text(VALID_IBAN));
  await f.send(text('15/9/1410'));
  await f.send({
    kind: 'attachment',
    attachment: { kind: 'document', mimeType: 'application/pdf', fileName: 'cert.pdf', storageKey: 'att/42' },
  });
  return f;
}

describe('request flow', () => {
  it('test data is valid per the validators', () => {
    expect(validateNationalId(VALID_ID).ok).toBe(true);
    expect(validateIban(VALID_IBAN).ok).toBe(true);
  });

  describe('choosing the type', () => {
    it('given several types, when the flow starts, then it lists them as choices with their names', async () => {
      const f = await startRequest();
      const r = f.lastReply();
      expect(r.key).toBe('request:chooseType');
      expect(r.choices).toEqual([
        { id: 'type:food_basket', key: 'request:typeOption', params: { name: lt('سلة غذائية', 'Food basket') } },
        { id: 'type:training', key: 'request:typeOption', params: { name: lt('برنامج تدريبي', 'Training programme') } },
      ]);
    });

    it('when a type is chosen, then it keeps only that type and goes on to its eligibility questions', async () => {
      const f = await startRequest();
      const replies = await f.send(choice('type:food_basket'));
      expect(replies.map((r) => r.key)).toEqual(['request:intro', 'request:eligibility.question']);
      const ctx = f.actor.getSnapshot().context;
      expect(ctx.requestTypes).toEqual([]);
      expect(ctx.committees).toEqual([]);
      expect(ctx.type?.id).toBe('food_basket');
      expect(ctx.committee?.id).toBe('research');
    });

    it('when an unknown choice arrives, then it asks to choose from the list and repeats the question', async () => {
      const f = await startRequest();
      const replies = await f.send(choice('type:nope'));
      expect(replies.map((r) => r.key)).toEqual(['common:chooseFromList', 'request:chooseType']);
      expect(f.state()).toBe('chooseType');
    });

    it('given a preselected type, then it skips the choice', async () => {
      const f = await startRequest({ typeId: 'training' });
      expect(f.replies().map((r) => r.key)).toEqual(['request:intro', 'request:hint.iban']);
    });

    it('given only one type, then it skips the choice', async () => {
      const f = await startRequest({ requestTypes: profile.requestTypes.filter((t) => t.id === 'training') });
      expect(f.actor.getSnapshot().matches('fields')).toBe(true);
    });

    it('given no types at all, then it says so and returns to the menu', async () => {
      const f = await startRequest({ requestTypes: [] });
      expect(f.lastReply().key).toBe('request:noTypes');
      expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
    });
  });

  describe('an open request of the same type', () => {
    const open: CaseSummary = {
      ref: 'R-7KQ3-M9XD',
      kind: 'request',
      title: lt('سلة غذائية', 'Food basket'),
      status: 'in_review',
      committee: lt('لجنة البحث الاجتماعي', 'Social Research Committee'),
      createdAt: '2025-02-20T09:00:00.000Z',
      deadline: { kind: 'notBefore', days: 14, unit: 'calendar', from: 'submission' },
      dueAt: '2025-03-06T09:00:00.000Z',
      history: [],
      rated: false,
    };

    it('given an open request, then it shows its reference, status and due date and offers status or menu', async () => {
      const f = await startRequest({ typeId: 'food_basket', open });
      const r = f.lastReply();
      expect(r.key).toBe('request:alreadyOpen');
      expect(r.params?.ref).toBe('R-7KQ3-M9XD');
      expect(r.params?.status).toBe('in_review');
      // R3e: a minimum is stated as one: the answer does not come before the date
      expect(r.params?.deadline).toBe('notBefore');
      const due = localParam(r, 'date');
      expect(due.en).toContain('6 March 2025');
      expect(due.ar).toContain('هـ');
      expect(choiceIds(r)).toEqual(['status', 'menu']);
    });

    it('when the person asks for the status, then it finishes into the status flow with the ref', async () => {
      const f = await startRequest({ typeId: 'food_basket', open });
      await f.send(choice('status'));
      expect(f.actor.getSnapshot().status).toBe('done');
      expect(f.actor.getSnapshot().output).toEqual({ next: 'status', nextInput: { ref: 'R-7KQ3-M9XD' } });
    });

    it('when the person picks the menu, then it finishes to the menu', async () => {
      const f = await startRequest({ typeId: 'food_basket', open });
      await f.send(choice('menu'));
      expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
    });

    it('when the look-up fails, then it apologises and returns to the menu', async () => {
      const f = await startRequest({ typeId: 'food_basket', open: new Error('db down') });
      expect(f.lastReply().key).toBe('request:lookupFailed');
      expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
    });
  });

  describe('eligibility pre-check (R10)', () => {
    it('given answers that pass, then it goes on to the fields and records likely_eligible', async () => {
      const f = await startRequest({ typeId: 'food_basket' });
      expect(f.lastReply().params?.question).toEqual(lt('هل تقيم في المدينة؟', 'Do you live in the city?'));
      expect(choiceIds(f.lastReply())).toEqual(['yes', 'no']);
      await f.send(choice('yes'));
      const replies = await f.send(choice('no'));
      expect(replies.map((r) => r.key)).toEqual(['request:hint.nationalId']);
      expect(f.actor.getSnapshot().context.eligibility).toBe('likely_eligible');
    });

    it('given a disqualifying answer, then it explains honestly that the committee decides and offers to continue', async () => {
      const f = await startRequest({ typeId: 'food_basket' });
      await f.send(choice('yes'));
      const [r] = await f.send(choice('yes'));
      expect(r?.key).toBe('request:eligibility.mayNotQualify');
      expect(r?.params?.explanation).toEqual(lt('لا يُجمع بين دعمين', 'Support is not doubled'));
      expect(r?.params?.committee).toEqual(lt('لجنة البحث الاجتماعي', 'Social Research Committee'));
      expect(r && choiceIds(r)).toEqual(['continue', 'menu']);
      expect(f.actor.getSnapshot().context.eligibility).toBe('may_not_qualify:other_support');

      const next = await f.send(choice('continue'));
      expect(next.map((x) => x.key)).toEqual(['request:hint.nationalId']);
    });

    it('given a disqualifying answer, when the person picks the menu, then it finishes without submitting', async () => {
      const f = await startRequest({ typeId: 'food_basket' });
      await f.send(choice('no'));
      await f.send(choice('menu'));
      expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
      expect(f.emitted.some((e) => e.type === 'effect')).toBe(false);
    });

    it('when the answer is typed text instead of a choice, then it asks to choose from the list', async () => {
      const f = await startRequest({ typeId: 'food_basket' });
      const replies = await f.send(text('ربما'));
      expect(replies.map((r) => r.key)).toEqual(['common:yesOrNo', 'request:eligibility.question']);
    });

    it('understands yes and no as people type them ("ايه", "أيوه موافق", "اكيد", "لا والله")', async () => {
      for (const yes of ['ايه', 'أيوه موافق', 'اكيد', 'yes']) {
        const f = await startRequest({ typeId: 'food_basket' });
        const replies = await f.send(text(yes));
        expect(replies.at(-1)?.params?.n, yes).toBe(2);
      }
      const f = await startRequest({ typeId: 'food_basket' });
      const replies = await f.send(text('لا والله'));
      expect(replies.at(-1)?.key).toBe('request:eligibility.mayNotQualify');
    });
  });

  describe('fields (R3b)', () => {
    it('asks each field with its label and a type-specific hint', async () => {
      const f = await foodAtFields();
      const r = f.lastReply();
      expect(r.key).toBe('request:hint.nationalId');
      expect(r.params).toEqual({ label: lt('رقم الهوية', 'ID number'), n: 1, total: 5 });
      expect(r.choices).toBeUndefined();
    });

    it('food basket: each field rejects a wrong value with the validator key, then accepts a right one', async () => {
      const f = await foodAtFields();

      let replies = await f.send(text('123'));
      expect(replies.map((r) => r.key)).toEqual(['validation:nationalId.length', 'request:hint.nationalId']);
      replies = await f.send(text(VALID_ID));
      expect(replies.map((r) => r.key)).toEqual(['request:hint.phone']);

      replies = await f.send(text('12345'));
      expect(replies[0]?.key).toMatch(/^validation:phone\./);
      expect(replies[1]?.key).toBe('request:hint.phone');
      replies = await f.send(text('٠٥٥١٢٣٤٥٦٧')); // Arabic-Indic digits
      expect(replies.map((r) => r.key)).toEqual(['request:hint.number']);

      replies = await f.send(text('0'));
      expect(replies[0]).toMatchObject({ key: 'validation:number.range', params: { min: 1, max: 30 } });
      replies = await f.send(text('٥'));
      expect(replies.map((r) => r.key)).toEqual(['request:hint.choice']);
      expect(choiceIds(f.lastReply())).toEqual(['opt:owned', 'opt:rented']);

      replies = await f.send(text('خيمة'));
      expect(replies.map((r) => r.key)).toEqual(['validation:choice.unknown', 'request:hint.choice']);
      replies = await f.send(choice('opt:rented'));
      expect(replies.map((r) => r.key)).toEqual(['request:hint.text']);
      expect(choiceIds(f.lastReply())).toEqual(['skip']);

      replies = await f.send(sticker);
      expect(replies.map((r) => r.key)).toEqual(['validation:textExpected', 'request:hint.text']);
      replies = await f.send(text('لا يوجد'));
      expect(replies.map((r) => r.key)).toEqual(['request:summary']);

      const { answers } = f.actor.getSnapshot().context;
      expect(answers.national_id?.value).toBe(VALID_ID);
      expect(answers.mobile).toEqual({ value: '+966551234567', display: { ar: '055 123 4567', en: '055 123 4567' } });
      expect(answers.family_size?.value).toBe(5);
      expect(answers.housing).toEqual({ value: 'rented', display: lt('إيجار', 'Rented') });
      expect(answers.notes?.value).toBe('لا يوجد');
    });

    it('training: IBAN, date and document fields reject a wrong value, then accept a right one', async () => {
      const f = await startRequest({ typeId: 'training' });

      let replies = await f.send(text('SA0080000000608010167519'));
      expect(replies.map((r) => r.key)).toEqual(['validation:iban.checksum', 'request:hint.iban']);
      replies = await f.send(text('sa03 8000 0000 6080 1016 7519'));
      expect(replies.map((r) => r.key)).toEqual(['request:hint.date']);

      replies = await f.send(text('45/13/2025'));
      expect(replies[0]?.key).toMatch(/^validation:date\./);
      replies = await f.send(text('15/9/1410'));
      expect(replies.map((r) => r.key)).toEqual(['request:hint.documentPdf']);

      replies = await f.send({ kind: 'attachment', attachment: { kind: 'image', mimeType: 'image/jpeg' } });
      expect(replies.map((r) => r.key)).toEqual(['validation:document.typePdf', 'request:hint.documentPdf']);
      replies = await f.send({
        kind: 'attachment',
        attachment: { kind: 'document', mimeType: 'application/pdf', fileName: 'cert.pdf', storageKey: 'att/42' },
      });
      expect(replies.map((r) => r.key)).toEqual(['request:summary']);

      const { answers } = f.actor.getSnapshot().context;
      expect(answers.iban?.value).toBe(VALID_IBAN);
      expect(answers.birth_date?.value).toBe('1990-04-11');
      expect(answers.certificate?.value).toBe('att/42');
    });

    it('an optional field can be skipped, and its skip is not stored as data', async () => {
      const f = await foodAtSummary();
      expect(f.actor.getSnapshot().context.answers.notes?.value).toBeNull();
    });

    it('a stale button on a field is not counted as a wrong answer', async () => {
      const f = await foodAtFields();
      for (let i = 0; i < 4; i++) {
        const replies = await f.send(choice('confirm'));
        expect(replies.map((r) => r.key)).toEqual(['common:notUnderstood', 'request:hint.nationalId']);
      }
      expect(f.actor.getSnapshot().status).toBe('active');
    });

    it('an unknown choice on a choice field asks to choose from the list', async () => {
      const f = await foodAtFields();
      for (const a of FOOD_ANSWERS.slice(0, 3)) await f.send(a);
      const replies = await f.send(choice('opt:tent'));
      expect(replies.map((r) => r.key)).toEqual(['common:chooseFromList', 'request:hint.choice']);
    });

    it('on the third wrong answer the person chooses: try again, a person or the menu (no dead end)', async () => {
      const f = await foodAtFields();
      await f.send(text(VALID_ID));
      await f.send(text('0771234567'));
      await f.send(text('0551234'));
      expect(f.actor.getSnapshot().status).toBe('active');
      const replies = await f.send(text('٠٥٥١٢٣٤٥'));
      expect(replies.at(-1)?.key).toBe('common:stuck');
      expect(choiceIds(f.lastReply())).toEqual(['retry', 'human', 'menu']);
      expect(f.emitted.find((e) => e.type === 'handoff')).toBeUndefined();

      // Try again: the same field, counted afresh.
      expect((await f.send(choice('retry'))).at(-1)?.key).toBe('request:hint.phone');
      await f.send(text('1'));
      await f.send(text('2'));
      await f.send(text('3'));
      await f.send(choice('human'));
      const handoff = f.emitted.find((e) => e.type === 'handoff');
      expect(handoff).toEqual({
        type: 'handoff',
        reason: 'validation_failed',
        category: 'social',
        summary: { flow: 'request', step: 'mobile', requestType: 'food_basket' },
      });
      expect(JSON.stringify(handoff)).not.toContain(VALID_ID);
      expect(f.actor.getSnapshot().status).toBe('done');
      expect(f.actor.getSnapshot().output).toEqual({ next: 'handoff' });
    });

    it('a question typed at a field is answered and is not a failure ("ليش تبون الهوية؟")', async () => {
      const f = await foodAtFields();
      for (let i = 0; i < 4; i++) {
        const replies = await f.send(text('ليش تبون الهوية؟'));
        expect(replies.map((r) => r.key)).toEqual(['request:why.nationalId', 'request:hint.nationalId']);
      }
      await f.send(text('123'));
      await f.send(text('123'));
      expect(f.lastReply().key).toBe('request:hint.nationalId');
    });

    it('counts only consecutive failures of one field', async () => {
      const f = await foodAtFields();
      await f.send(text('1'));
      await f.send(text('2'));
      await f.send(text(VALID_ID));
      await f.send(text('3'));
      await f.send(text('4'));
      expect(f.actor.getSnapshot().status).toBe('active');
      expect(f.emitted.some((e) => e.type === 'handoff')).toBe(false);
    });
  });

  describe('summary', () => {
    it('lists every field label and display, with confirm, an edit per field and cancel', async () => {
      const f = await foodAtSummary();
      const r = f.lastReply();
      expect(r.key).toBe('request:summary');
      const lines = localParam(r, 'lines');
      expect(lines.ar.split('\n')).toEqual([
        `• رقم الهوية: ${VALID_ID}`,
        '• رقم الجوال: 055 123 4567',
        '• عدد أفراد الأسرة: 5',
        '• نوع السكن: إيجار',
        '• ملاحظات: —',
      ]);
      expect(lines.en).toContain('• Housing: Rented');
      expect(choiceIds(r)).toEqual([
        'confirm',
        'edit:national_id',
        'edit:mobile',
        'edit:family_size',
        'edit:housing',
        'edit:notes',
        'cancel',
      ]);
    });

    it('when a field is edited, it re-asks only that field and comes back to the summary', async () => {
      const f = await foodAtSummary();
      let replies = await f.send(choice('edit:mobile'));
      expect(replies.map((r) => r.key)).toEqual(['request:hint.phone']);
      replies = await f.send(text('abc'));
      expect(replies.map((r) => r.key)).toEqual(['validation:phone.invalid', 'request:hint.phone']);
      replies = await f.send(text('+966 50 000 1111'));
      expect(replies.map((r) => r.key)).toEqual(['request:summary']);
      expect(localParam(f.lastReply(), 'lines').ar).toContain('• رقم الجوال: 050 000 1111');
      expect(f.actor.getSnapshot().context.answers.mobile?.value).toBe('+966500001111');
    });

    it('when cancelled from the summary, it finishes to the menu without saving', async () => {
      const f = await foodAtSummary();
      await f.send(choice('cancel'));
      expect(f.lastReply().key).toBe('request:cancelled');
      expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
      expect(f.emitted.some((e) => e.type === 'effect')).toBe(false);
    });
  });

  describe('attestation and submission (R3d, R3e)', () => {
    it('asks for the attestation with agree and cancel', async () => {
      const f = await foodAtSummary();
      const [r] = await f.send(choice('confirm'));
      expect(r?.key).toBe('request:attestation');
      expect(r && choiceIds(r)).toEqual(['agree', 'cancel']);
    });

    it('when the attestation is cancelled, it says so and nothing is saved', async () => {
      const f = await foodAtSummary();
      await f.send(choice('confirm'));
      const replies = await f.send(choice('cancel'));
      expect(replies.map((r) => r.key)).toEqual(['request:cancelled']);
      expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
      expect(f.emitted.some((e) => e.type === 'effect')).toBe(false);
    });

    it('when agreed, it creates the request with a reference, the SLA date and the attestation, and tells the person', async () => {
      const f = await foodAtSummary();
      await f.send(choice('confirm'));
      const replies = await f.send(choice('agree'), AT);

      const effect = f.emitted.find((e) => e.type === 'effect');
      expect(effect?.type).toBe('effect');
      if (effect?.type !== 'effect' || effect.effect.kind !== 'request.create') throw new Error('no request.create');
      const e = effect.effect;
      expect(e.ref).toMatch(/^R-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
      expect(e.typeId).toBe('food_basket');
      expect(e.committee).toBe('research');
      expect(e.deadline).toEqual({ kind: 'notBefore', days: 14, unit: 'calendar', from: 'submission' });
      expect(e.dueAt).toBe('2025-03-16T09:00:00.000Z'); // 14 calendar days, "not less than two weeks"
      expect(e.data).toEqual({ national_id: VALID_ID, mobile: '+966551234567', family_size: 5, housing: 'rented' });
      expect(e.eligibility).toBe('likely_eligible');
      expect(e.attestation).toEqual({ key: 'request:attestation', at: AT });
      expect(e.at).toBe(AT);

      expect(replies.map((r) => r.key)).toEqual(['request:submitted']);
      const p = replies[0]?.params ?? {};
      expect(p.ref).toBe(e.ref);
      expect(p.committee).toEqual(lt('لجنة البحث الاجتماعي', 'Social Research Committee'));
      expect(p.deadline).toBe('notBefore');
      const due = localParam({ key: 'request:submitted', params: p }, 'date');
      expect(due.en).toMatch(/^16 March 2025 \(.+ AH\)$/);
      expect(due.ar).toContain('هـ');
      expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
      expect(f.emitted.some((x) => x.type === 'handoff')).toBe(false);
    });

    it('records may_not_qualify when the person continued after a failed pre-check', async () => {
      const f = await startRequest({ typeId: 'food_basket' });
      await f.send(choice('no'));
      await f.send(choice('continue'));
      // R10: the remaining pre-check question is still asked; a second "wrong" answer is recorded too.
      expect(f.lastReply().params?.n).toBe(2);
      await f.send(choice('yes'));
      for (const a of FOOD_ANSWERS) await f.send(a);
      await f.send(choice('confirm'));
      await f.send(choice('agree'));
      const effect = f.emitted.find((e) => e.type === 'effect');
      expect(effect?.type === 'effect' && effect.effect.kind === 'request.create' && effect.effect.eligibility).toBe(
        'may_not_qualify:resident,other_support',
      );
    });

    it('given a type with officer review, it submits, then hands off to the category officer', async () => {
      const f = await trainingAtSummary();
      await f.send(choice('confirm'));
      const replies = await f.send(choice('agree'));
      expect(replies.map((r) => r.key)).toEqual(['request:submitted', 'request:officerReview']);

      const kinds = f.emitted.filter((e) => e.type !== 'reply').map((e) => e.type);
      expect(kinds).toEqual(['effect', 'handoff']);
      const effect = f.emitted.find((e) => e.type === 'effect');
      if (effect?.type !== 'effect' || effect.effect.kind !== 'request.create') throw new Error('no request.create');
      // R3e (seed 002): 15 Sunday-Thursday working days from completion; a submitted request is complete
      expect(effect.effect.deadline).toEqual({ kind: 'within', days: 15, unit: 'working', from: 'completion' });
      expect(effect.effect.dueAt).toBe('2025-03-23T09:00:00.000Z'); // the test calendar's working days
      expect(effect.effect.data).toEqual({ iban: VALID_IBAN, birth_date: '1990-04-11', certificate: 'att/42' });
      expect(effect.effect.eligibility).toBeUndefined();
      expect(replies[0]?.params?.deadline).toBe('withinWorkingCompletion');
      expect(replies[0]?.params?.days).toEqual({ ar: '\u2068١٥\u2069', en: '15' });
      expect(f.emitted.find((e) => e.type === 'handoff')).toEqual({
        type: 'handoff',
        reason: 'officer_review',
        category: 'training',
        summary: { flow: 'request', requestType: 'training', ref: effect.effect.ref },
      });
      expect(f.actor.getSnapshot().output).toEqual({ next: 'handoff' });
    });
  });

  describe('persistence', () => {
    it('the snapshot survives JSON and the restored flow continues', async () => {
      const f = await foodAtFields();
      await f.send(text(VALID_ID));
      const persisted = JSON.parse(JSON.stringify(f.actor.getPersistedSnapshot()));
      f.actor.stop();

      const restored = createActor(requestMachine, { snapshot: persisted, input: baseInput });
      const keys: string[] = [];
      restored.on('reply', (e) => {
        keys.push(e.key);
      });
      restored.start();
      restored.send({ type: 'flow.reprompt' });
      restored.send({ type: 'user.message', input: text('0551234567'), at: AT });
      expect(keys).toEqual(['request:hint.phone', 'request:hint.number']);
    });
  });

  // ---- every waiting state: reprompt and garbage ----

  const states: Record<string, { reach: () => Promise<Flow>; question: string }> = {
    chooseType: { reach: () => startRequest(), question: 'request:chooseType' },
    openFound: {
      reach: () =>
        startRequest({
          typeId: 'food_basket',
          open: {
            ref: 'R-7KQ3-M9XD',
            kind: 'request',
            title: lt('سلة غذائية', 'Food basket'),
            status: 'submitted',
            committee: lt('لجنة', 'Committee'),
            createdAt: AT,
            deadline: { kind: 'none' },
            dueAt: null,
            history: [],
            rated: false,
          },
        }),
      question: 'request:alreadyOpen',
    },
    eligibility: { reach: () => startRequest({ typeId: 'food_basket' }), question: 'request:eligibility.question' },
    ineligible: {
      reach: async () => {
        const f = await startRequest({ typeId: 'food_basket' });
        await f.send(choice('no'));
        return f;
      },
      question: 'request:eligibility.mayNotQualify',
    },
    fields: { reach: foodAtFields, question: 'request:hint.nationalId' },
    summary: { reach: foodAtSummary, question: 'request:summary' },
    attest: {
      reach: async () => {
        const f = await foodAtSummary();
        await f.send(choice('confirm'));
        return f;
      },
      question: 'request:attestation',
    },
  };

  const garbage: Record<string, UserInput> = {
    emoji: text('🙂🔥👍'),
    long: text('ا'.repeat(10_000)),
    empty: text(''),
    rtlMarks: text('\u200f\u202b\u200e'),
    sticker,
    unknownChoice: choice('zzz'),
    location: { kind: 'location', latitude: 24.7, longitude: 46.7 },
  };

  for (const [name, { reach, question }] of Object.entries(states)) {
    it(`${name}: flow.reprompt re-emits the question`, async () => {
      const f = await reach();
      expect(f.actor.getSnapshot().matches(name)).toBe(true);
      const before = f.lastReply();
      const replies = f.reprompt();
      expect(replies).toEqual([before]);
      expect(replies[0]?.key).toBe(question);
    });

    it(`${name}: garbage input gets a reply and the flow stays active`, async () => {
      for (const [kind, input] of Object.entries(garbage)) {
        const f = await reach();
        const replies = await f.send(input);
        expect(replies.length, `${name} / ${kind}`).toBeGreaterThan(0);
        expect(f.actor.getSnapshot().status, `${name} / ${kind}`).toBe('active');
        expect(f.actor.getSnapshot().matches(name), `${name} / ${kind}`).toBe(true);
      }
    });
  }
});

describe('request flow: answers that mean something (issue 11)', () => {
  it('refuses a birth date in the future, saying what is expected', async () => {
    const f = await startRequest({ typeId: 'training' });
    await f.send(text(VALID_IBAN));
    const replies = await f.send(text('1/1/2030'));
    expect(replies.map((r) => r.key)).toEqual(['validation:date.future', 'request:hint.date']);
  });
});
