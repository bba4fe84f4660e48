import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Intent, routeIntent } from '../../src/domain/intent.js';
import { loadProfile } from '../../src/domain/profile.js';
import { createFaqIndex, FAQ_CONFIDENCE_THRESHOLD, type FaqIndex } from '../../src/domain/search.js';
import { TEST_PROFILE } from '../support/profiles.js';

const labelled = JSON.parse(readFileSync(new URL('../fixtures/intents.json', import.meta.url), 'utf8')) as {
  text: string;
  intent: Intent;
}[];

let faq: FaqIndex;
beforeAll(() => {
  faq = createFaqIndex(loadProfile(TEST_PROFILE));
});

describe('routeIntent on labelled first messages', () => {
  it('given at least 200 labelled messages, then at least 90% are routed to their intent', () => {
    expect(labelled.length).toBeGreaterThanOrEqual(200);
    let correct = 0;
    const misses: string[] = [];
    for (const { text, intent } of labelled) {
      const got = routeIntent(text, faq).intent;
      if (got === intent) correct++;
      else misses.push(`${text} → ${got} (expected ${intent})`);
    }
    const pct = (100 * correct) / labelled.length;
    console.log(`Intent accuracy: ${correct}/${labelled.length} = ${pct.toFixed(1)}%`);
    if (misses.length) console.log(`misses:\n  ${misses.join('\n  ')}`);
    expect(pct).toBeGreaterThanOrEqual(90);
  });

  it('covers every intent in the labelled set', () => {
    const intents = new Set(labelled.map((l) => l.intent));
    expect([...intents].sort()).toEqual([
      'complaint',
      'greeting',
      'human',
      'inquiry',
      'my_requests',
      'new_request',
      'rating',
      'unknown',
    ]);
  });
});

describe('routeIntent examples', () => {
  it.each([
    ['ابغى اقدم على مساعدة', 'new_request'],
    ['وش صار على طلبي', 'my_requests'],
    ['عندي شكوى على الموظف', 'complaint'],
    ['متى الدوام', 'inquiry'],
  ] as const)('given "%s", then it routes to %s', (text, intent) => {
    expect(routeIntent(text, faq).intent).toBe(intent);
  });

  it('given an inquiry that the FAQ answers, then the routing carries the FAQ hit', () => {
    const r = routeIntent('متى الدوام', faq);
    expect(r.faq?.id).toBe('working_hours');
    expect(r.faq?.confidence).toBeGreaterThanOrEqual(FAQ_CONFIDENCE_THRESHOLD);
    expect(r.confidence).toBeGreaterThan(0.5);
  });

  it('given a statement the FAQ answers well, then it is an inquiry even without a question word', () => {
    const r = routeIntent('الاوراق المطلوبة', faq);
    expect(r).toMatchObject({ intent: 'inquiry', faq: { id: 'required_documents' } });
  });

  it('given no FAQ index, then question forms are still inquiries without a hit', () => {
    const r = routeIntent('متى الدوام؟');
    expect(r.intent).toBe('inquiry');
    expect(r.faq).toBeUndefined();
  });

  it('given diacritics, stretched letters or Arabic-Indic digits, then the routing does not change', () => {
    expect(routeIntent('أَبْغَى أُقَدِّمُ عَلَى مُسَاعَدَةٍ', faq).intent).toBe('new_request');
    expect(routeIntent('السلاااام عليكم', faq).intent).toBe('greeting');
    expect(routeIntent('طلبي رقم R-٧KQ٣ وش صار', faq).intent).toBe('my_requests');
  });

  it('given a reference number alone, then it is a status check', () => {
    expect(routeIntent('R-7KQ3', faq)).toMatchObject({ intent: 'my_requests' });
  });

  it('given a greeting followed by a request, then the request wins', () => {
    expect(routeIntent('السلام عليكم ابغى اكلم موظف', faq).intent).toBe('human');
    expect(routeIntent('مرحبا، وش الاوراق المطلوبة', faq).intent).toBe('inquiry');
  });

  it('given "how do I ..." about an action, then it is an inquiry, but "I want to ..." is the action', () => {
    expect(routeIntent('كيف اقدم شكوى؟', faq).intent).toBe('inquiry');
    expect(routeIntent('ابي اقدم شكوى', faq).intent).toBe('complaint');
  });

  it('given nothing meaningful, then it is unknown with zero confidence', () => {
    for (const t of ['', '   ', '👍', '...', 'asdfgh']) expect(routeIntent(t, faq)).toEqual({ intent: 'unknown', confidence: 0 });
  });

  it('always answers with a confidence in 0..1', () => {
    for (const { text } of labelled) {
      const { confidence } = routeIntent(text, faq);
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });
});
