/**
 * Issue 9 (dialogue toolkit): no clock and no randomness inside the machines. Each machine, run
 * twice from the same input and the same messages, emits the same events; and every state that
 * waits for the person says so with its tags.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, fromPromise } from 'xstate';
import { complaintMachine } from '../../flows/complaint.machine.js';
import { inquiryMachine } from '../../flows/inquiry.machine.js';
import { menuMachine } from '../../flows/menu.machine.js';
import { ratingMachine } from '../../flows/rating.machine.js';
import { requestMachine } from '../../flows/request.machine.js';
import { statusMachine } from '../../flows/status.machine.js';
import type { CaseSummary, FaqHit, UserInput } from '../../flows/types.js';
import { loadProfile } from '../../src/domain/profile.js';
import { nationalIdCheckDigit } from '../../src/domain/validators.js';
import { TEST_PROFILE } from '../support/profiles.js';
import { choice, startFlow, text } from './harness.js';

const root = path.resolve(import.meta.dirname, '../..');
const profile = loadProfile(TEST_PROFILE);
const calendar = { workingDays: profile.workingDays, holidays: profile.holidays, timezone: profile.timezone };
const base = { beneficiaryId: 'b-1', lang: 'ar' as const };
const VALID_ID = `100000000${nationalIdCheckDigit('100000000')}`;

const served: CaseSummary = {
  ref: 'R-JKMN-PQRS',
  kind: 'request',
  title: { ar: 'سلة غذائية', en: 'Food basket' },
  status: 'served',
  committee: { ar: 'لجنة البحث', en: 'Research committee' },
  createdAt: '2025-02-01T09:00:00.000Z',
  deadline: { kind: 'notBefore', days: 14, unit: 'calendar', from: 'submission' },
  dueAt: '2025-02-15T09:00:00.000Z',
  history: [{ status: 'served', at: '2025-02-10T09:00:00.000Z' }],
  rated: false,
};
const hit: FaqHit = {
  id: 'hours',
  question: { ar: 'متى الدوام؟', en: 'Hours?' },
  answer: { ar: 'من الأحد', en: 'Sunday' },
  confidence: 0.9,
};
const services = {
  findOpenRequest: fromPromise(async () => null),
  listCases: fromPromise(async () => [served]),
  getCase: fromPromise(async () => served),
  searchFaq: fromPromise(async () => [hit]),
  routeText: fromPromise(async () => ({ intent: 'new_request' as const, confidence: 0.9 })),
};

interface Script {
  machine: AnyStateMachine;
  input: Record<string, unknown>;
  messages: UserInput[];
}

const scripts: Record<string, Script> = {
  menu: {
    machine: menuMachine,
    input: { ...base, mode: 'welcome', orgName: profile.name, consent: profile.consent, consentVersion: null },
    messages: [text('ابغى اقدم طلب'), text('وش يعني'), text('ايه موافق')],
  },
  request: {
    machine: requestMachine,
    input: {
      ...base,
      requestTypes: profile.requestTypes,
      committees: profile.committees,
      calendar,
      reference: 'R-7KQ3-M9XD',
      typeId: 'volunteering',
    },
    messages: [choice('yes'), text('ايه'), text(VALID_ID), text('ليش؟'), text('0551234567')],
  },
  complaint: {
    machine: complaintMachine,
    input: {
      ...base,
      categories: profile.complaintCategories,
      committees: profile.committees,
      calendar,
      reference: 'C-4HT8-P2WN',
    },
    messages: [choice('cat:service'), text('تأخر صرف السلة الغذائية ثلاثة أسابيع'), text('ما عندي'), choice('confirm')],
  },
  status: {
    machine: statusMachine,
    input: { ...base },
    messages: [choice('case:R-JKMN-PQRS'), choice('back'), choice('menu')],
  },
  rating: {
    machine: ratingMachine,
    input: { ...base, questions: profile.rating.questions },
    messages: [text('٥'), text('شكرا على الخدمة')],
  },
  inquiry: {
    machine: inquiryMachine,
    input: { ...base, confidenceThreshold: 0.5, query: 'متى الدوام؟' },
    messages: [choice('helpful'), text('متى الدوام؟')],
  },
};

async function run(script: Script) {
  const machine = script.machine.provide({ actors: services as never });
  const flow = startFlow(machine, script.input);
  await flow.settle();
  const tagsSeen: string[][] = [flow.tags()];
  // Two messages a second apart: the only times the machine knows are the ones it is given.
  let t = Date.parse('2025-03-02T09:00:00.000Z');
  for (const m of script.messages) {
    t += 1000;
    await flow.send(m, new Date(t).toISOString());
    tagsSeen.push(flow.tags());
  }
  flow.actor.stop();
  return { emitted: flow.emitted, tagsSeen, status: flow.actor.getSnapshot().status };
}

describe('dialogue machines replay (issue 9)', () => {
  for (const [name, script] of Object.entries(scripts)) {
    it(`${name}: the same input and messages emit the same events, twice`, async () => {
      const first = await run(script);
      const second = await run(script);
      expect(first.emitted.length).toBeGreaterThan(0);
      expect(second.emitted).toEqual(first.emitted);
      expect(second.tagsSeen).toEqual(first.tagsSeen);
    });
  }

  it('a waiting state carries the "question" tag and says what it asks', async () => {
    const { tagsSeen } = await run(scripts.request as Script);
    expect(tagsSeen[0]).toEqual(['asksYesNo', 'question']);
    // ID, a question about it (answered, same step), the phone: now the skills (a choice field).
    expect(tagsSeen.at(-3)).toEqual(['asksPhone', 'formStep', 'question']);
    expect(tagsSeen.at(-1)).toEqual(['asksChoice', 'formStep', 'question']);
    const amount = startFlow(complaintMachine, scripts.complaint?.input);
    amount.step(choice('cat:compensation'));
    amount.step(text('تلف الباب أثناء توصيل السلة الغذائية'));
    amount.step(text('اضطررت لإصلاحه بنفسي'));
    expect(amount.tags()).toContain('asksNumber');
  });

  it('no machine reads the clock or draws random numbers', () => {
    const dir = path.join(root, 'flows');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      expect(source, file).not.toMatch(/Date\.now|new Date\(\)|Math\.random|randomInt|randomUUID|newReference\(/);
    }
  });
});
