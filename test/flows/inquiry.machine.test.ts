import { describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { type InquiryInput, inquiryMachine, MAX_QUERY_CHARS } from '../../flows/inquiry.machine.js';
import type { FaqHit, Lang, UserInput } from '../../flows/types.js';
import { localeFile, localeKeys, localeValue } from '../support/locales.js';
import { startFlow } from './harness.js';

const AT = '2025-03-15T09:00:00.000Z';
const THRESHOLD = 0.5;

type SearchInput = { query: string; lang: Lang };
type Search = (input: SearchInput) => Promise<FaqHit[]>;

function hit(id: string, confidence: number): FaqHit {
  return {
    id,
    confidence,
    question: { ar: `سؤال ${id}`, en: `Question ${id}` },
    answer: { ar: `جواب ${id}`, en: `Answer ${id}` },
  };
}

const good: Search = async () => [hit('hours', 0.9), hit('docs', 0.7), hit('address', 0.6), hit('far', 0.2)];
const poor: Search = async () => [hit('vague', 0.3)];
const nothing: Search = async () => [];
const broken: Search = async () => {
  throw new Error('index down');
};

const text = (t: string): UserInput => ({ kind: 'text', text: t });
const choice = (id: string): UserInput => ({ kind: 'choice', id });

/** Lets the invoked search settle. */
/** Every locale key the dialogue emitted during this file's tests. */
const seenKeys = new Set<string>();

const _flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Starts the dialogue with a fake search; `emitted` holds what the last step emitted. */
async function start(opts: { query?: string; search?: Search; threshold?: number } = {}) {
  const calls: SearchInput[] = [];
  const search = opts.search ?? good;
  const machine = inquiryMachine.provide({
    actors: {
      searchFaq: fromPromise<FaqHit[], SearchInput>(async ({ input }) => {
        calls.push(input);
        return search(input);
      }),
    },
  });
  const input: InquiryInput = { beneficiaryId: 'b-1', lang: 'ar', confidenceThreshold: opts.threshold ?? THRESHOLD };
  if (opts.query !== undefined) input.query = opts.query;
  const run = startFlow(machine, input, { seen: seenKeys });
  await run.settle();
  /** What the last step emitted (everything before the first message). */
  let from = 0;
  const emitted = () => run.emitted.slice(from);
  const replies = () => emitted().flatMap((e) => (e.type === 'reply' ? [e] : []));
  return {
    actor: run.actor,
    calls,
    get emitted() {
      return emitted();
    },
    replies,
    last: () => replies()[replies().length - 1],
    state: run.state,
    async send(userInput: UserInput) {
      from = run.emitted.length;
      await run.send(userInput, AT);
    },
    async reprompt() {
      from = run.emitted.length;
      run.reprompt();
      await run.settle();
    },
  };
}

type Flow = Awaited<ReturnType<typeof start>>;

const choiceIds = (f: Flow) => f.last()?.choices?.map((c) => c.id) ?? [];

describe('inquiry dialogue: asking', () => {
  it('given no query, when it starts, then it asks what the person wants to know', async () => {
    const f = await start();
    expect(f.state()).toBe('asking');
    expect(f.last()?.key).toBe('inquiry:ask');
    expect(f.calls).toHaveLength(0);
  });

  it('given a query, when it starts, then it searches it right away and answers', async () => {
    const f = await start({ query: 'متى الدوام؟' });
    expect(f.calls).toEqual([{ query: 'متى الدوام؟', lang: 'ar' }]);
    expect(f.state()).toBe('answered');
  });

  it('given a typed question, when it is sent, then it is searched in the language it is written in', async () => {
    const f = await start();
    await f.send(text('  What are the working hours?  '));
    expect(f.calls).toEqual([{ query: 'What are the working hours?', lang: 'en' }]);
  });

  it('given a question longer than 500 characters, when it is sent, then only the first 500 are searched', async () => {
    const f = await start();
    await f.send(text('س'.repeat(10_000)));
    expect(f.calls[0]?.query).toHaveLength(MAX_QUERY_CHARS);
    expect(f.state()).toBe('answered');
  });

  it('given the menu choice, when pressed while asking, then the dialogue ends to the menu', async () => {
    const f = await start();
    await f.send(choice('menu'));
    expect(f.actor.getSnapshot().status).toBe('done');
    expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
  });

  it('given a reprompt, when asking, then the question is asked again', async () => {
    const f = await start();
    await f.reprompt();
    expect(f.replies().map((r) => r.key)).toEqual(['inquiry:ask']);
    expect(f.state()).toBe('asking');
  });
});

describe('inquiry dialogue: answers (R2)', () => {
  it('given hits above the threshold, when answered, then the best answer is shown with up to two related questions', async () => {
    const f = await start({ query: 'الدوام' });
    const r = f.last();
    expect(r?.key).toBe('inquiry:answer.withRelated');
    expect(r?.params).toEqual({ question: hit('hours', 0).question, answer: hit('hours', 0).answer });
    expect(choiceIds(f)).toEqual(['helpful', 'not_helpful', 'faq:docs', 'faq:address', 'menu']);
  });

  it('given a threshold, when only one hit reaches it, then no related question is offered', async () => {
    const f = await start({ query: 'الدوام', threshold: 0.8 });
    expect(f.last()?.key).toBe('inquiry:answer.single');
    expect(choiceIds(f)).toEqual(['helpful', 'not_helpful', 'menu']);
  });

  it('given a hit exactly at the threshold, when answered, then it counts as an answer', async () => {
    const f = await start({ query: 'x', search: async () => [hit('edge', THRESHOLD)] });
    expect(f.state()).toBe('answered');
  });

  it('given related questions, when one is chosen, then its answer is shown and the others stay offered', async () => {
    const f = await start({ query: 'الدوام' });
    await f.send(choice('faq:docs'));
    expect(f.last()?.params).toEqual({ question: hit('docs', 0).question, answer: hit('docs', 0).answer });
    expect(choiceIds(f)).toEqual(['helpful', 'not_helpful', 'faq:hours', 'faq:address', 'menu']);
    expect(f.calls).toHaveLength(1);
  });

  it('given a helpful answer, when confirmed, then it thanks and waits for another question', async () => {
    const f = await start({ query: 'الدوام' });
    await f.send(choice('helpful'));
    expect(f.replies().map((r) => r.key)).toEqual(['inquiry:thanks', 'inquiry:askAnother']);
    expect(f.state()).toBe('asking');
    await f.send(text('ما الأوراق المطلوبة؟'));
    expect(f.calls).toHaveLength(2);
    expect(f.state()).toBe('answered');
  });

  it('given an answer, when a new question is typed instead of a button, then it is a new search', async () => {
    const f = await start({ query: 'الدوام' });
    await f.send(text('وين مقركم؟'));
    expect(f.calls.map((c) => c.query)).toEqual(['الدوام', 'وين مقركم؟']);
  });

  it('given an answer, when menu is chosen, then the dialogue ends to the menu', async () => {
    const f = await start({ query: 'الدوام' });
    await f.send(choice('menu'));
    expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
  });

  it('given an answer, when reprompted, then the answer and its choices are shown again', async () => {
    const f = await start({ query: 'الدوام' });
    await f.reprompt();
    expect(f.last()?.key).toBe('inquiry:answer.withRelated');
    expect(choiceIds(f)).toContain('helpful');
  });

  it('keeps only small JSON in its context', async () => {
    const f = await start({ query: 'الدوام' });
    const ctx = f.actor.getSnapshot().context;
    expect(JSON.parse(JSON.stringify(ctx))).toEqual(ctx);
    expect(ctx.hits).toHaveLength(3);
    expect(ctx.query).toBe('');
  });
});

describe('inquiry dialogue: handoff offers (R3c)', () => {
  it('given one unhelpful answer, when said, then it apologises and asks to rephrase', async () => {
    const f = await start({ query: 'الدوام' });
    await f.send(choice('not_helpful'));
    expect(f.replies().map((r) => r.key)).toEqual(['inquiry:sorry', 'inquiry:rephrase']);
    expect(f.state()).toBe('asking');
  });

  it('given two unhelpful answers, when the second is said, then a person is offered and the handoff carries no typed text', async () => {
    const f = await start({ query: 'رقم هويتي 1012345678 ولم يصلني الدعم' });
    await f.send(choice('not_helpful'));
    await f.send(text('متى يصل الدعم؟ جوالي 0551234567'));
    await f.send(choice('not_helpful'));
    expect(f.state()).toBe('offering');
    expect(f.last()?.key).toBe('inquiry:offer.unresolved');
    expect(choiceIds(f)).toEqual(['human', 'rephrase', 'menu']);

    await f.send(choice('human'));
    const handoff = f.emitted.find((e) => e.type === 'handoff');
    expect(handoff).toEqual({
      type: 'handoff',
      reason: 'inquiry_unresolved',
      category: 'general',
      summary: { flow: 'inquiry', attempts: 2, lastTopic: 'hours' },
    });
    expect(JSON.stringify(handoff)).not.toMatch(/1012345678|0551234567|الدعم/);
    expect(f.actor.getSnapshot().output).toEqual({ next: 'handoff' });
  });

  it('given a helpful answer in between, when another answer does not help, then it does not yet offer a person', async () => {
    const f = await start({ query: 'الدوام' });
    await f.send(choice('not_helpful'));
    await f.send(text('الدوام الرسمي'));
    await f.send(choice('helpful'));
    await f.send(text('الأوراق'));
    await f.send(choice('not_helpful'));
    expect(f.state()).toBe('asking');
  });

  it('given no hit reaching the threshold, when searched, then a person is offered (low confidence)', async () => {
    const f = await start({ query: 'سؤال غريب', search: poor });
    expect(f.state()).toBe('offering');
    expect(f.last()?.key).toBe('inquiry:offer.lowConfidence');
    await f.send(choice('human'));
    expect(f.emitted).toContainEqual({
      type: 'handoff',
      reason: 'inquiry_low_confidence',
      category: 'general',
      summary: { flow: 'inquiry', attempts: 1, lastTopic: 'vague' },
    });
    expect(f.actor.getSnapshot().output).toEqual({ next: 'handoff' });
  });

  it('given no hit at all, when the person hands off, then the topic is "none"', async () => {
    const f = await start({ query: 'لا شيء', search: nothing });
    await f.send(choice('human'));
    expect(f.emitted.find((e) => e.type === 'handoff')).toMatchObject({ summary: { lastTopic: 'none' } });
  });

  it('given the offer, when rephrase is chosen, then it asks again and searches the new wording', async () => {
    const f = await start({ query: 'سؤال غريب', search: poor });
    await f.send(choice('rephrase'));
    expect(f.last()?.key).toBe('inquiry:rephrase');
    await f.send(text('صياغة أخرى'));
    expect(f.calls).toHaveLength(2);
  });

  it('given the offer, when menu is chosen, then the dialogue ends to the menu without a handoff', async () => {
    const f = await start({ query: 'سؤال غريب', search: poor });
    await f.send(choice('menu'));
    expect(f.emitted.some((e) => e.type === 'handoff')).toBe(false);
    expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
  });

  it('given the offer, when reprompted, then the offer is shown again', async () => {
    const f = await start({ query: 'سؤال غريب', search: poor });
    await f.reprompt();
    expect(f.replies().map((r) => r.key)).toEqual(['inquiry:offer.lowConfidence']);
  });

  it('given the search fails, when searched, then it says search is unavailable and offers a person or the menu', async () => {
    const f = await start({ query: 'الدوام', search: broken });
    expect(f.actor.getSnapshot().status).toBe('active');
    expect(f.last()?.key).toBe('inquiry:offer.unavailable');
    expect(choiceIds(f)).toEqual(['human', 'menu']);
    await f.send(choice('rephrase'));
    expect(f.replies().map((r) => r.key)).toEqual(['common:chooseFromList', 'inquiry:offer.unavailable']);
    await f.send(choice('human'));
    expect(f.emitted.find((e) => e.type === 'handoff')).toMatchObject({ reason: 'inquiry_unresolved', category: 'general' });
    expect(f.actor.getSnapshot().output).toEqual({ next: 'handoff' });
  });
});

describe('inquiry dialogue: unexpected input in every waiting state', () => {
  const garbage: [string, UserInput, string][] = [
    ['emoji', text('😀🙏'), 'inquiry:typeQuestion'],
    ['empty text', text(''), 'inquiry:typeQuestion'],
    ['RTL marks only', text('\u200F\u200E\u202B'), 'inquiry:typeQuestion'],
    ['sticker', { kind: 'attachment', attachment: { kind: 'sticker' } }, 'common:unsupportedAttachment'],
    ['location', { kind: 'location', latitude: 24.7, longitude: 46.7 }, 'common:unsupportedAttachment'],
    ['contact', { kind: 'contact', phone: '+966551234567' }, 'common:unsupportedAttachment'],
    ['unknown choice', choice('bogus'), 'common:chooseFromList'],
  ];

  const states: [string, () => Promise<Flow>, string][] = [
    ['asking', () => start(), 'inquiry:ask'],
    [
      'asking another',
      async () => {
        const f = await start({ query: 'الدوام' });
        await f.send(choice('helpful'));
        return f;
      },
      'inquiry:askAnother',
    ],
    ['answered', () => start({ query: 'الدوام' }), 'inquiry:didItHelp'],
    ['offering', () => start({ query: 'غريب', search: poor }), 'inquiry:offer.lowConfidence'],
    ['search unavailable', () => start({ query: 'الدوام', search: broken }), 'inquiry:offer.unavailable'],
  ];

  for (const [stateName, given, question] of states) {
    for (const [what, input, problem] of garbage) {
      it(`given ${stateName}, when ${what} arrives, then it explains and asks again`, async () => {
        const f = await given();
        const before = f.state();
        await f.send(input);
        expect(f.replies().map((r) => r.key)).toEqual([problem, question]);
        expect(f.state()).toBe(before);
        expect(f.actor.getSnapshot().status).toBe('active');
      });
    }

    it(`given ${stateName}, when 10,000 characters arrive, then it searches the first 500 and stays active`, async () => {
      const f = await given();
      const searches = f.calls.length;
      await f.send(text('ب'.repeat(10_000)));
      expect(f.replies().length).toBeGreaterThan(0);
      expect(f.calls[searches]?.query).toHaveLength(MAX_QUERY_CHARS);
      expect(f.actor.getSnapshot().status).toBe('active');
    });
  }
});

describe('inquiry dialogue: locales', () => {
  it('has the same keys in Arabic and English', () => {
    expect(localeKeys(localeFile('ar', 'inquiry')).sort()).toEqual(localeKeys(localeFile('en', 'inquiry')).sort());
  });

  it('has every key the tests saw emitted, in both languages', () => {
    expect(seenKeys.size).toBeGreaterThan(5);
    for (const key of seenKeys) {
      expect(typeof localeValue('ar', key), `ar ${key}`).toBe('string');
      expect(typeof localeValue('en', key), `en ${key}`).toBe('string');
    }
  });
});
