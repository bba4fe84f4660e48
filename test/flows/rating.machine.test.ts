import { afterAll, describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { type RatingInput, ratingMachine, readScore } from '../../flows/rating.machine.js';
import type { CaseSummary, DomainEffect, Reply, UserInput } from '../../flows/types.js';
import { localeValue } from '../support/locales.js';
import { asReply, startFlow } from './harness.js';

// --- Given: inline profile data and fake read services -----------------------------------------

const questions: RatingInput['questions'] = [
  { id: 'overall', text: { ar: 'ما مدى رضاك عن الخدمة المقدمة؟', en: 'How satisfied are you with the service?' } },
  { id: 'speed', text: { ar: 'ما مدى رضاك عن سرعة الرد؟', en: 'How satisfied are you with the response time?' } },
];

const AT = '2026-12-01T10:00:00.000Z';

function kase(ref: string, status: string, rated = false, kind: CaseSummary['kind'] = 'request'): CaseSummary {
  return {
    ref,
    kind,
    title: { ar: `سلة غذائية ${ref}`, en: `Food basket ${ref}` },
    status,
    committee: { ar: 'لجنة البحث', en: 'Research committee' },
    createdAt: '2026-11-01T10:00:00.000Z',
    deadline: { kind: 'notBefore', days: 14, unit: 'calendar', from: 'submission' },
    dueAt: '2026-11-20T10:00:00.000Z',
    history: [],
    rated,
  };
}

const text = (t: string): UserInput => ({ kind: 'text', text: t });
const choice = (id: string): UserInput => ({ kind: 'choice', id });
const sticker: UserInput = { kind: 'attachment', attachment: { kind: 'sticker', mimeType: 'image/webp', size: 20_000 } };

const seenKeys = new Set<string>();

interface Fakes {
  cases?: CaseSummary[] | Error;
  found?: CaseSummary | null | Error;
}

const _settle = () => new Promise((r) => setTimeout(r, 0));

async function start(input: Partial<RatingInput> = {}, fakes: Fakes = {}) {
  const calls: { listCases: unknown[]; getCase: unknown[] } = { listCases: [], getCase: [] };
  const machine = ratingMachine.provide({
    actors: {
      listCases: fromPromise<CaseSummary[], { beneficiaryId: string }>(async ({ input: i }) => {
        calls.listCases.push(i);
        if (fakes.cases instanceof Error) throw fakes.cases;
        return fakes.cases ?? [];
      }),
      getCase: fromPromise<CaseSummary | null, { beneficiaryId: string; ref: string }>(async ({ input: i }) => {
        calls.getCase.push(i);
        if (fakes.found instanceof Error) throw fakes.found;
        return fakes.found ?? null;
      }),
    },
  });
  const run = startFlow(machine, { beneficiaryId: 'b-1', lang: 'ar', questions, ...input }, { seen: seenKeys });
  await run.settle();
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
    calls,
  };
}

const keys = (rs: Reply[]) => rs.map((r) => r.key);
const last = (rs: Reply[]) => rs[rs.length - 1];

describe('ratingMachine', () => {
  describe('with a target', () => {
    it('rates the given case: score, comment, one rating record, thanks', async () => {
      // Given a served request the person has not rated
      const t = await start({ target: { kind: 'request', ref: 'R-7KQ3-M9XD' } }, { found: kase('R-7KQ3-M9XD', 'served') });
      expect(t.calls.getCase).toEqual([{ beneficiaryId: 'b-1', ref: 'R-7KQ3-M9XD' }]);
      expect(t.calls.listCases).toEqual([]);
      // Then it asks the first rating question about that case with five star choices
      expect(t.state()).toBe('score');
      expect(t.replies).toHaveLength(1);
      const q = t.replies[0];
      expect(q?.key).toBe('rating:score.questionCase');
      expect(q?.params).toEqual({
        question: questions[0]?.text,
        ref: 'R-7KQ3-M9XD',
        title: { ar: 'سلة غذائية R-7KQ3-M9XD', en: 'Food basket R-7KQ3-M9XD' },
      });
      expect(q?.choices?.map((c) => c.id)).toEqual(['1', '2', '3', '4', '5']);
      expect(q?.choices?.[2]?.params?.stars).toBe('⭐⭐⭐');
      // When the person gives 4 and a comment
      expect(keys(t.say(choice('4')))).toEqual(['rating:comment.question']);
      const r = t.say(text('الموظفون متعاونون، شكرًا'));
      // Then one rating record is written and the person is thanked
      expect(t.effects).toEqual([
        {
          kind: 'rating.create',
          target: { kind: 'request', ref: 'R-7KQ3-M9XD' },
          score: 4,
          comment: 'الموظفون متعاونون، شكرًا',
          at: AT,
        },
      ]);
      expect(keys(r)).toEqual(['rating:thanks']);
      expect(t.actor.getSnapshot().status).toBe('done');
      expect(t.actor.getSnapshot().output).toEqual({ next: 'menu' });
    });

    it('R8: a case already rated is not rated twice', async () => {
      const t = await start(
        { target: { kind: 'complaint', ref: 'C-4HT8-P2WN' } },
        { found: kase('C-4HT8-P2WN', 'resolved', true, 'complaint') },
      );
      expect(keys(t.replies)).toEqual(['rating:alreadyRated']);
      expect(t.effects).toEqual([]);
      expect(t.actor.getSnapshot().status).toBe('done');
      expect(t.actor.getSnapshot().output).toEqual({ next: 'menu' });
    });

    it('an unknown target falls back to what the person can rate', async () => {
      const t = await start(
        { target: { kind: 'request', ref: 'R-2222-3333' } },
        { found: null, cases: [kase('R-7KQ3-M9XD', 'served')] },
      );
      expect(keys(t.replies)).toEqual(['rating:notFound', 'rating:score.questionCase']);
      expect(t.replies[1]?.params?.ref).toBe('R-7KQ3-M9XD');
    });

    it('a failing lookup is a polite reply, not a crash', async () => {
      const t = await start({ target: { kind: 'request', ref: 'R-7KQ3-M9XD' } }, { found: new Error('db down') });
      expect(keys(t.replies)).toEqual(['rating:unavailable']);
      expect(t.actor.getSnapshot().status).toBe('done');
    });
  });

  describe('without a target', () => {
    it('nothing to rate: says so and offers a general rating (target null)', async () => {
      // Given only open or already rated cases
      const t = await start({}, { cases: [kase('R-AAAA-BBBB', 'pending'), kase('R-CCCC-DDDD', 'served', true)] });
      expect(t.calls.listCases).toEqual([{ beneficiaryId: 'b-1' }]);
      expect(keys(t.replies)).toEqual(['rating:none', 'rating:general.question']);
      expect(t.replies[1]?.choices?.map((c) => c.id)).toEqual(['general', 'menu']);
      // When the person chooses a general rating
      expect(keys(t.say(choice('general')))).toEqual(['rating:score.questionGeneral']);
      t.say(text('٥'));
      t.say(choice('skip'));
      // Then a general rating is written
      expect(t.effects).toEqual([{ kind: 'rating.create', target: null, score: 5, at: AT }]);
    });

    it('nothing to rate: the menu choice ends the dialogue without a record', async () => {
      const t = await start({}, { cases: [] });
      t.say(choice('menu'));
      expect(t.effects).toEqual([]);
      expect(t.actor.getSnapshot().output).toEqual({ next: 'menu' });
    });

    it('one rateable case: rates it directly', async () => {
      const t = await start({}, { cases: [kase('R-AAAA-BBBB', 'pending'), kase('C-4HT8-P2WN', 'resolved', false, 'complaint')] });
      expect(t.state()).toBe('score');
      expect(keys(t.replies)).toEqual(['rating:score.questionCase']);
      t.say(text('5'));
      t.say(choice('skip'));
      expect(t.effects[0]).toMatchObject({ target: { kind: 'complaint', ref: 'C-4HT8-P2WN' }, score: 5 });
    });

    it('several rateable cases: lets the person pick one', async () => {
      const t = await start(
        {},
        {
          cases: [
            kase('R-AAAA-BBBB', 'served'),
            kase('C-4HT8-P2WN', 'resolved', false, 'complaint'),
            kase('R-CCCC-DDDD', 'served', true),
            // R8: closed without a decision, so no service to rate (case-lifecycle.ts)
            kase('R-EEEE-FFFF', 'closed'),
          ],
        },
      );
      expect(t.state()).toBe('pickCase');
      expect(t.replies[0]?.key).toBe('rating:pick.question');
      expect(t.replies[0]?.choices?.map((c) => c.id)).toEqual(['case:R-AAAA-BBBB', 'case:C-4HT8-P2WN']);
      // An unknown case id is a polite re-ask
      expect(keys(t.say(choice('case:R-CCCC-DDDD')))).toEqual(['common:chooseFromList', 'rating:pick.question']);
      // A typed reference works too
      expect(keys(t.say(text('c-4ht8-p2wn')))).toEqual(['rating:score.questionCase']);
      t.say(choice('2'));
      // R8: a low score tells the person an officer will follow up
      expect(keys(t.say(text('تأخر الرد كثيرًا')))).toEqual(['rating:thanks', 'rating:followUp']);
      expect(t.effects[0]).toMatchObject({
        target: { kind: 'complaint', ref: 'C-4HT8-P2WN' },
        score: 2,
        comment: 'تأخر الرد كثيرًا',
      });
    });

    it('a failing list still allows a general rating', async () => {
      const t = await start({}, { cases: new Error('timeout') });
      expect(keys(t.replies)).toEqual(['rating:unavailableList', 'rating:general.question']);
    });
  });

  describe('score', () => {
    it.each([
      ['٥', 5],
      ['5', 5],
      [' ٣ ', 3],
      ['4/5', 4],
      ['⭐⭐⭐', 3],
      ['⭐️⭐️⭐️⭐️', 4],
      ['★★', 2],
      ['😍', 5],
      ['😀', 5],
      ['🙂', 4],
      ['😐', 3],
      ['😞', 2],
      ['😡', 1],
      ['ممتاز', 5],
      ['ممتازة', 5],
      ['جيد جداً', 4],
      ['جيد', 3],
      ['سيء', 2],
      ['سيئ جدا', 1],
      ['Excellent', 5],
    ])('reads %s as %i', (typed, score) => {
      expect(readScore(text(typed))).toBe(score);
    });

    it.each(['7', '0', '⭐⭐⭐⭐⭐⭐', '🔥', 'ربما', '', '12'])('does not read %j', (typed) => {
      expect(readScore(text(typed))).toBeNull();
    });

    it('an invalid score is re-asked politely', async () => {
      const t = await start({}, { cases: [] });
      t.say(choice('general'));
      expect(keys(t.say(text('7')))).toEqual(['rating:score.invalid', 'rating:score.questionGeneral']);
      expect(keys(t.say(choice('9')))).toEqual(['rating:score.invalid', 'rating:score.questionGeneral']);
      expect(t.state()).toBe('score');
      expect(keys(t.say(text('😍')))).toEqual(['rating:comment.question']);
    });

    it('a low score asks the comment with an apology', async () => {
      const t = await start({}, { cases: [] });
      t.say(choice('general'));
      expect(keys(t.say(text('😡')))).toEqual(['rating:comment.questionLow']);
    });
  });

  describe('comment', () => {
    it('skip writes no comment', async () => {
      const t = await start({}, { cases: [] });
      t.say(choice('general'));
      t.say(text('⭐⭐⭐'));
      expect(keys(t.say(choice('skip')))).toEqual(['rating:thanks']);
      expect(t.effects).toEqual([{ kind: 'rating.create', target: null, score: 3, at: AT }]);
    });

    it('a comment over 1000 characters is re-asked', async () => {
      const t = await start({}, { cases: [] });
      t.say(choice('general'));
      t.say(text('ممتاز'));
      const r = t.say(text('ك'.repeat(1001)));
      expect(keys(r)).toEqual(['validation:text.tooLong', 'rating:comment.question']);
      expect(r[0]?.params).toMatchObject({ max: 1000 });
      t.say(text('ك'.repeat(1000)));
      expect(t.effects[0]).toMatchObject({ score: 5, comment: 'ك'.repeat(1000) });
    });
  });

  /** Drives the dialogue to one of its waiting states. */
  async function at(state: 'general' | 'pickCase' | 'score' | 'comment') {
    if (state === 'general') return start({}, { cases: [] });
    if (state === 'pickCase') return start({}, { cases: [kase('R-AAAA-BBBB', 'served'), kase('R-CCCC-DDDD', 'served')] });
    const t = await start({ target: { kind: 'request', ref: 'R-AAAA-BBBB' } }, { found: kase('R-AAAA-BBBB', 'served') });
    if (state === 'comment') t.say(choice('3'));
    return t;
  }

  const QUESTION = {
    general: 'rating:general.question',
    pickCase: 'rating:pick.question',
    score: 'rating:score.questionCase',
    comment: 'rating:comment.question',
  } as const;
  const STATES = ['general', 'pickCase', 'score', 'comment'] as const;

  it.each(STATES)('re-emits the %s question on flow.reprompt', async (state) => {
    const t = await at(state);
    const before = last(t.replies);
    const r = t.reprompt();
    expect(r).toEqual([before]);
    expect(r[0]?.key).toBe(QUESTION[state]);
    expect(t.state()).toBe(state);
  });

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

  describe.each(STATES)('garbage in the %s state', (state) => {
    // Any emoji is a fair comment, so it is not garbage there.
    const garbage = state === 'comment' ? GARBAGE.filter(([name]) => name !== 'emoji') : GARBAGE;
    it.each(garbage)('%s gets a reply and the dialogue goes on', async (_name, input) => {
      const t = await at(state);
      const r = t.say(input);
      expect(r.length).toBeGreaterThanOrEqual(2);
      expect(last(r)?.key).toBe(QUESTION[state]);
      expect(t.actor.getSnapshot().status).toBe('active');
      expect(t.state()).toBe(state);
      expect(t.effects).toEqual([]);
    });
  });

  it('a message while the cases load gets a short wait reply', () => {
    const machine = ratingMachine.provide({
      actors: { listCases: fromPromise<CaseSummary[], { beneficiaryId: string }>(() => new Promise(() => {})) },
    });
    const run = startFlow(machine, { beneficiaryId: 'b-1', lang: 'ar', questions }, { seen: seenKeys });
    expect(run.step(text('مرحبا')).map((r) => r.key)).toEqual(['rating:wait']);
    expect(run.actor.getSnapshot().status).toBe('active');
    run.actor.stop();
  });

  it('uses a default question when the profile has none', async () => {
    const t = await start({ questions: [] }, { cases: [] });
    expect(keys(t.say(choice('general')))).toEqual(['rating:score.questionDefault']);
  });

  it('persists as JSON and resumes where it stopped', async () => {
    const t = await at('comment');
    const snapshot = JSON.parse(JSON.stringify(t.actor.getPersistedSnapshot()));
    const restored = createActor(ratingMachine, { snapshot, input: { beneficiaryId: 'b-1', lang: 'ar', questions } });
    const effects: DomainEffect[] = [];
    restored.on('effect', (e) => effects.push(e.effect));
    restored.start();
    restored.send({ type: 'user.message', input: choice('skip'), at: AT });
    expect(effects).toEqual([{ kind: 'rating.create', target: { kind: 'request', ref: 'R-AAAA-BBBB' }, score: 3, at: AT }]);
  });

  afterAll(() => {
    for (const lang of ['ar', 'en']) {
      for (const key of seenKeys) {
        const value = localeValue(lang, key);
        expect(typeof value, `${lang} ${key}`).toBe('string');
      }
    }
  });
});
