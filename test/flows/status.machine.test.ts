import { describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { localDate, MAX_HISTORY, type StatusInput, statusMachine } from '../../flows/status.machine.js';
import type { CaseSummary, UserInput } from '../../flows/types.js';
import { formatDate } from '../../src/domain/calendar.js';
import { ALL_STATUSES } from '../../src/domain/case-lifecycle.js';
import { localeFile, localeKeys, localeValue } from '../support/locales.js';
import { startFlow } from './harness.js';

const AT = '2025-03-15T09:00:00.000Z';
const ME = 'b-1';

function makeCase(ref: string, status: string, extra: Partial<CaseSummary> = {}): CaseSummary {
  return {
    ref,
    kind: ref.startsWith('C') ? 'complaint' : 'request',
    title: { ar: 'سلة غذائية', en: 'Food basket' },
    status,
    committee: { ar: 'لجنة البحث الاجتماعي', en: 'Social research committee' },
    createdAt: '2025-03-01T08:00:00.000Z',
    deadline: { kind: 'notBefore', days: 14, unit: 'calendar', from: 'submission' },
    dueAt: '2025-03-15T08:00:00.000Z',
    history: [
      { status: 'submitted', at: '2025-03-01T08:00:00.000Z' },
      { status, at: '2025-03-05T10:00:00.000Z' },
    ],
    rated: false,
    ...extra,
  };
}

const NEEDS_INFO = makeCase('R-7KQ3-M9XD', 'needs_info', { decisionNote: 'نرجو إرفاق صورة صك الإعالة' });
const SERVED = makeCase('R-2345-6789', 'served');
const RATED = makeCase('R-ABCD-EFGH', 'served', { rated: true });
const RESOLVED = makeCase('C-4HT8-P2WN', 'resolved');
const REVIEW = makeCase('R-JKMN-PQRS', 'under_review');
const MINE = [NEEDS_INFO, SERVED, RATED, RESOLVED, REVIEW];

type Services = {
  listCases?: (input: { beneficiaryId: string }) => Promise<CaseSummary[]>;
  getCase?: (input: { beneficiaryId: string; ref: string }) => Promise<CaseSummary | null>;
};

/** Fakes that only ever return the person's own cases, as the real services do. */
const ownCases: Required<Services> = {
  listCases: async ({ beneficiaryId }) => (beneficiaryId === ME ? MINE : []),
  getCase: async ({ beneficiaryId, ref }) => (beneficiaryId === ME ? (MINE.find((c) => c.ref === ref) ?? null) : null),
};

const text = (t: string): UserInput => ({ kind: 'text', text: t });
const choice = (id: string): UserInput => ({ kind: 'choice', id });

/** Every locale key the dialogue emitted during this file's tests. */
const seenKeys = new Set<string>();

const _flush = () => new Promise((resolve) => setTimeout(resolve, 0));

async function start(opts: { ref?: string; services?: Services } = {}) {
  const services = { ...ownCases, ...opts.services };
  const calls = { listCases: 0, getCase: [] as string[] };
  const machine = statusMachine.provide({
    actors: {
      listCases: fromPromise<CaseSummary[], { beneficiaryId: string }>(async ({ input }) => {
        calls.listCases++;
        return services.listCases(input);
      }),
      getCase: fromPromise<CaseSummary | null, { beneficiaryId: string; ref: string }>(async ({ input }) => {
        calls.getCase.push(input.ref);
        return services.getCase(input);
      }),
    },
  });
  const input: StatusInput = { beneficiaryId: ME, lang: 'ar' };
  if (opts.ref !== undefined) input.ref = opts.ref;
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
    keys: () => replies().map((r) => r.key),
    last: () => replies()[replies().length - 1],
    state: run.state,
    tags: run.tags,
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

describe('status dialogue: a case by reference (R3h)', () => {
  it('given a reference, when it starts, then the case is shown in detail', async () => {
    const f = await start({ ref: 'R-JKMN-PQRS' });
    expect(f.calls.getCase).toEqual(['R-JKMN-PQRS']);
    expect(f.state()).toBe('detail');
    // R3e: the answer time as the policy words it, on its own line: a minimum (seed 000)
    expect(f.keys()).toEqual(['status:detail.plain', 'deadline:answer.notBefore', 'status:history.n2', 'status:actions']);
    const [detail, answer, history] = f.replies();
    expect(answer?.params).toMatchObject({ deadline: 'notBefore', date: localDate(REVIEW.dueAt ?? '', null) });
    expect(detail?.params).toEqual({
      ref: 'R-JKMN-PQRS',
      title: REVIEW.title,
      status: 'under_review',
      committee: REVIEW.committee,
      createdAt: localDate(REVIEW.createdAt, null),
    });
    expect(history?.params).toMatchObject({
      s1: 'submitted',
      s2: 'under_review',
      d1: localDate('2025-03-01T08:00:00.000Z', null),
    });
    expect(choiceIds(f)).toEqual(['back', 'menu']);
  });

  it('shows dates in Gregorian and Hijri in both languages', () => {
    const d = localDate('2025-03-20T08:00:00.000Z', null);
    const ar = formatDate(new Date('2025-03-20T08:00:00.000Z'), 'ar');
    const en = formatDate(new Date('2025-03-20T08:00:00.000Z'), 'en');
    expect(d).toEqual({ ar: `${ar.gregorian} (${ar.hijri})`, en: `${en.gregorian} (${en.hijri})` });
  });

  it('given a reference typed loosely, when it starts, then it is normalised before the lookup', async () => {
    const f = await start({ ref: 'r-jkmn-pqrs' });
    expect(f.calls.getCase).toEqual(['R-JKMN-PQRS']);
  });

  it('given a decision note, when shown, then the note variant carries it', async () => {
    const f = await start({ ref: NEEDS_INFO.ref });
    expect(f.replies()[0]).toMatchObject({ key: 'status:detail.withNote', params: { note: NEEDS_INFO.decisionNote } });
    expect(choiceIds(f)).toEqual(['supply', 'back', 'menu']);
  });

  it('given an unknown status id, when shown, then it is translated as "other"', async () => {
    const odd = makeCase('R-WXYZ-2345', 'escalated');
    const f = await start({ ref: odd.ref, services: { getCase: async () => odd } });
    expect(f.replies()[0]?.params?.status).toBe('other');
  });

  it('given a long history, when shown, then only the latest lines are kept', async () => {
    const history = Array.from({ length: 8 }, (_, i) => ({ status: 'under_review', at: `2025-03-0${i + 1}T08:00:00.000Z` }));
    const long = makeCase('R-WXYZ-2345', 'under_review', { history });
    const f = await start({ ref: long.ref, services: { getCase: async () => long } });
    expect(f.keys()).toContain(`status:history.n${MAX_HISTORY}`);
    expect(f.actor.getSnapshot().context.current?.history).toHaveLength(MAX_HISTORY);
  });

  it("given a reference that is not one of the person's, when looked up, then it says so and offers the list", async () => {
    const f = await start({ ref: 'R-2222-3333' });
    expect(f.state()).toBe('notFound');
    expect(f.last()).toMatchObject({ key: 'status:notFound', params: { ref: 'R-2222-3333' } });
    expect(choiceIds(f)).toEqual(['list', 'menu']);
    await f.send(choice('list'));
    expect(f.state()).toBe('list');
  });

  it('given not found, when a valid reference is typed, then it is looked up', async () => {
    const f = await start({ ref: 'R-2222-3333' });
    await f.send(text('R 2345 6789'));
    expect(f.calls.getCase).toEqual(['R-2222-3333', 'R-2345-6789']);
    expect(f.state()).toBe('detail');
  });

  it('given not found, when reprompted, then it says so again', async () => {
    const f = await start({ ref: 'R-2222-3333' });
    await f.reprompt();
    expect(f.keys()).toEqual(['status:notFound']);
  });

  it('given the detail, when back is chosen, then the list is shown', async () => {
    const f = await start({ ref: REVIEW.ref });
    await f.send(choice('back'));
    expect(f.state()).toBe('list');
    expect(f.calls.listCases).toBe(1);
  });

  it('given the detail, when reprompted, then the whole detail is shown again', async () => {
    const f = await start({ ref: REVIEW.ref });
    await f.reprompt();
    expect(f.keys()).toEqual(['status:detail.plain', 'deadline:answer.notBefore', 'status:history.n2', 'status:actions']);
  });

  it('given the detail, when menu is chosen, then the dialogue ends to the menu', async () => {
    const f = await start({ ref: REVIEW.ref });
    await f.send(choice('menu'));
    expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
  });
});

describe('status dialogue: the list of own cases', () => {
  it('given cases, when it starts without a reference, then they are offered as choices with status', async () => {
    const f = await start();
    expect(f.state()).toBe('list');
    expect(f.last()?.key).toBe('status:list');
    expect(choiceIds(f)).toEqual([...MINE.map((c) => `case:${c.ref}`), 'menu']);
    expect(f.last()?.choices?.[0]).toEqual({
      id: 'case:R-7KQ3-M9XD',
      key: 'status:caseChoice',
      params: { ref: 'R-7KQ3-M9XD', title: NEEDS_INFO.title, status: 'needs_info' },
    });
  });

  it('given more than ten cases, when listed, then ten are offered and the context stays small', async () => {
    const many = Array.from({ length: 25 }, (_, i) => makeCase(`R-${1000 + i}-BBBB`, 'submitted'));
    const f = await start({ services: { listCases: async () => many } });
    expect(choiceIds(f)).toHaveLength(11);
    const ctx = f.actor.getSnapshot().context;
    expect(ctx.cases).toHaveLength(10);
    expect(ctx.cases[0]).toEqual({ ref: many[0]?.ref, kind: 'request', title: many[0]?.title, status: 'submitted' });
    expect(JSON.parse(JSON.stringify(ctx))).toEqual(ctx);
  });

  it('given the list, when a case is chosen, then its detail is fetched and shown', async () => {
    const f = await start();
    await f.send(choice(`case:${SERVED.ref}`));
    expect(f.calls.getCase).toEqual([SERVED.ref]);
    expect(f.state()).toBe('detail');
  });

  it('given the list, when a reference is typed in Arabic-Indic digits and lowercase, then it is looked up', async () => {
    const f = await start();
    await f.send(text('\u200Fr-٢٣٤٥-٦٧٨٩'));
    expect(f.calls.getCase).toEqual(['R-2345-6789']);
    expect(f.state()).toBe('detail');
  });

  it('given the list, when text that is no reference is typed, then it explains and shows the list again', async () => {
    const f = await start();
    await f.send(text('أين طلبي؟'));
    expect(f.keys()).toEqual(['status:invalidReference', 'status:list']);
  });

  it('given the list, when reprompted, then the list is shown again', async () => {
    const f = await start();
    await f.reprompt();
    expect(f.keys()).toEqual(['status:list']);
  });

  it('given no cases, when it starts, then it says so and offers a new request or the menu', async () => {
    const f = await start({ services: { listCases: async () => [] } });
    expect(f.state()).toBe('empty');
    expect(f.last()?.key).toBe('status:none');
    expect(choiceIds(f)).toEqual(['new_request', 'menu']);
    await f.reprompt();
    expect(f.keys()).toEqual(['status:none']);
    await f.send(choice('new_request'));
    expect(f.actor.getSnapshot().output).toEqual({ next: 'request' });
  });

  it('given no cases, when menu is chosen, then the dialogue ends to the menu', async () => {
    const f = await start({ services: { listCases: async () => [] } });
    await f.send(choice('menu'));
    expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
  });
});

describe('status dialogue: supplying missing information', () => {
  it('given a case that needs information, when the person supplies text, then request.supplyInfo is emitted', async () => {
    const f = await start({ ref: NEEDS_INFO.ref });
    await f.send(choice('supply'));
    expect(f.state()).toBe('supplying');
    expect(f.last()).toMatchObject({ key: 'status:supply.ask', params: { ref: NEEDS_INFO.ref } });
    await f.send(text('  صك الإعالة رقم ٤٥٦  '));
    expect(f.emitted).toContainEqual({
      type: 'effect',
      effect: { kind: 'request.supplyInfo', ref: NEEDS_INFO.ref, data: { text: 'صك الإعالة رقم ٤٥٦' }, at: AT },
    });
    expect(f.last()?.key).toBe('status:supply.received');
    expect(choiceIds(f)).toEqual(['back', 'menu']);
    expect(f.state()).toBe('supplied');
  });

  it('given a case that needs information, when a document is sent, then its store key is supplied', async () => {
    const f = await start({ ref: NEEDS_INFO.ref });
    await f.send(choice('supply'));
    await f.send({
      kind: 'attachment',
      attachment: { kind: 'document', mimeType: 'application/pdf', size: 1000, fileName: 'sak.pdf', storageKey: 'att/1' },
    });
    expect(f.emitted).toContainEqual({
      type: 'effect',
      effect: {
        kind: 'request.supplyInfo',
        ref: NEEDS_INFO.ref,
        data: { attachment: { kind: 'document', storageKey: 'att/1', fileName: 'sak.pdf' } },
        at: AT,
      },
    });
  });

  it('given supplying, when back is chosen, then the detail is shown again and nothing is emitted as an effect', async () => {
    const f = await start({ ref: NEEDS_INFO.ref });
    await f.send(choice('supply'));
    await f.send(choice('back'));
    expect(f.state()).toBe('detail');
    expect(f.emitted.some((e) => e.type === 'effect')).toBe(false);
  });

  it('given supplying, when reprompted, then the request for information is repeated', async () => {
    const f = await start({ ref: NEEDS_INFO.ref });
    await f.send(choice('supply'));
    await f.reprompt();
    expect(f.keys()).toEqual(['status:supply.ask']);
  });

  it('given a file that was not stored, when sent, then it asks to send it again', async () => {
    const f = await start({ ref: NEEDS_INFO.ref });
    await f.send(choice('supply'));
    await f.send({ kind: 'attachment', attachment: { kind: 'image' } });
    expect(f.keys()).toEqual(['status:supply.fileNotReceived', 'status:supply.ask']);
    expect(f.emitted.some((e) => e.type === 'effect')).toBe(false);
  });

  it('given it was supplied, when back is chosen, then the list is shown; when reprompted, the confirmation repeats', async () => {
    const f = await start({ ref: NEEDS_INFO.ref });
    await f.send(choice('supply'));
    await f.send(text('المعلومات'));
    await f.reprompt();
    expect(f.keys()).toEqual(['status:supply.received']);
    await f.send(choice('back'));
    expect(f.state()).toBe('list');
  });

  it('given a case that does not need information, when supply is sent anyway, then it is refused', async () => {
    const f = await start({ ref: REVIEW.ref });
    await f.send(choice('supply'));
    expect(f.keys()).toEqual(['common:chooseFromList', 'status:actions']);
    expect(f.state()).toBe('detail');
  });
});

describe('status dialogue: rating (R8)', () => {
  it('given a served request not yet rated, when rate is chosen, then it goes on to the rating dialogue', async () => {
    const f = await start({ ref: SERVED.ref });
    expect(choiceIds(f)).toEqual(['rate', 'back', 'menu']);
    await f.send(choice('rate'));
    // The rating dialogue gets the chosen case itself (typed hand-over: FlowHandovers['rating'])
    expect(f.actor.getSnapshot().output).toEqual({ next: 'rating', nextInput: { target: { kind: 'request', ref: SERVED.ref } } });
  });

  it('given a resolved complaint, when rate is chosen, then the complaint kind is passed on', async () => {
    const f = await start({ ref: RESOLVED.ref });
    await f.send(choice('rate'));
    expect(f.actor.getSnapshot().output).toEqual({
      next: 'rating',
      nextInput: { target: { kind: 'complaint', ref: RESOLVED.ref } },
    });
  });

  it('given a case already rated, when shown, then rating is not offered and refused', async () => {
    const f = await start({ ref: RATED.ref });
    expect(choiceIds(f)).toEqual(['back', 'menu']);
    await f.send(choice('rate'));
    expect(f.actor.getSnapshot().status).toBe('active');
    expect(f.keys()).toEqual(['common:chooseFromList', 'status:actions']);
  });
});

describe('status dialogue: service errors', () => {
  const down = async (): Promise<never> => {
    throw new Error('db down');
  };

  it('given getCase fails, when looked up, then it apologises and ends to the menu', async () => {
    const f = await start({ ref: REVIEW.ref, services: { getCase: down } });
    expect(f.keys()).toEqual(['status:unavailable']);
    expect(f.actor.getSnapshot().status).toBe('done');
    expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
  });

  it('given listCases fails, when listing, then it apologises and ends to the menu', async () => {
    const f = await start({ services: { listCases: down } });
    expect(f.keys()).toEqual(['status:unavailable']);
    expect(f.actor.getSnapshot().output).toEqual({ next: 'menu' });
  });
});

describe('status dialogue: unexpected input in every waiting state', () => {
  const garbage: [string, UserInput][] = [
    ['emoji', text('😀🙏')],
    ['10,000 characters', text('x'.repeat(10_000))],
    ['empty text', text('')],
    ['RTL marks only', text('\u200F\u200E\u202B')],
    ['sticker', { kind: 'attachment', attachment: { kind: 'sticker', storageKey: 's/1' } }],
    ['location', { kind: 'location', latitude: 24.7, longitude: 46.7 }],
    ['contact', { kind: 'contact', phone: '+966551234567' }],
    ['unknown choice', choice('bogus')],
  ];

  const states: [string, () => Promise<Flow>, string][] = [
    ['notFound', () => start({ ref: 'R-2222-3333' }), 'status:notFound'],
    ['empty', () => start({ services: { listCases: async () => [] } }), 'status:none'],
    ['list', () => start(), 'status:list'],
    ['detail', () => start({ ref: NEEDS_INFO.ref }), 'status:actions'],
    [
      'supplying',
      async () => {
        const f = await start({ ref: NEEDS_INFO.ref });
        await f.send(choice('supply'));
        return f;
      },
      'status:supply.ask',
    ],
    [
      'supplied',
      async () => {
        const f = await start({ ref: NEEDS_INFO.ref });
        await f.send(choice('supply'));
        await f.send(text('المعلومات'));
        return f;
      },
      'status:supply.next',
    ],
  ];

  for (const [stateName, given, question] of states) {
    for (const [what, input] of garbage) {
      it(`given ${stateName}, when ${what} arrives, then it explains, asks again and stays`, async () => {
        const f = await given();
        const before = f.state();
        await f.send(input);
        const keys = f.keys();
        expect(keys).toHaveLength(2);
        expect(keys[1]).toBe(question);
        expect(f.state()).toBe(before);
        expect(f.actor.getSnapshot().status).toBe('active');
        expect(f.emitted.some((e) => e.type === 'effect')).toBe(false);
      });
    }
  }
});

describe('status dialogue: locales', () => {
  it('has the same keys in Arabic and English', () => {
    expect(localeKeys(localeFile('ar', 'status')).sort()).toEqual(localeKeys(localeFile('en', 'status')).sort());
  });

  it('translates every known status and "other" through status:state.<id>', () => {
    for (const id of [...ALL_STATUSES, 'other']) {
      expect(typeof localeValue('ar', `status:state.${id}`), id).toBe('string');
      expect(typeof localeValue('en', `status:state.${id}`), id).toBe('string');
    }
  });

  it('has every key the tests saw emitted, in both languages', () => {
    expect(seenKeys.size).toBeGreaterThan(5);
    for (const key of seenKeys) {
      expect(typeof localeValue('ar', key), `ar ${key}`).toBe('string');
      expect(typeof localeValue('en', key), `en ${key}`).toBe('string');
    }
  });
});
