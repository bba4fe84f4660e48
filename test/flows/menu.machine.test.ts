/**
 * The entry and routing dialogue with plain events and a fake router: greeting and privacy notice
 * (R6), the menu, consent before anything that stores personal data, routing of free text,
 * language, a person, and any input at every waiting state.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { type MenuInput, menuMachine, type RouteResult } from '../../flows/menu.machine.js';
import type { DomainEffect, Reply, UserInput } from '../../flows/types.js';
import { choice, startFlow, text } from './harness.js';

const AT = '2026-11-29T09:00:00.000Z';
const base: MenuInput = {
  beneficiaryId: 'b-1',
  lang: 'ar',
  mode: 'welcome',
  orgName: { ar: 'جمعية', en: 'Association' },
  consent: { version: 'v2', text: { ar: 'نص الخصوصية', en: 'Privacy text' } },
  consentVersion: null,
};

function start(
  input: Partial<MenuInput> = {},
  route: (text: string) => RouteResult = () => ({ intent: 'unknown', confidence: 0 }),
) {
  const machine = menuMachine.provide({
    actors: { routeText: fromPromise(async ({ input }: { input: { text: string; lang: 'ar' | 'en' } }) => route(input.text)) },
  });
  const run = startFlow(machine, { ...base, ...input });
  /** Replies of the last step (all of them before the first message). */
  let from = 0;
  return {
    actor: run.actor,
    get replies(): Reply[] {
      return run.emitted.slice(from).flatMap((e) => (e.type === 'reply' ? [e] : []));
    },
    get effects(): DomainEffect[] {
      return run.effects();
    },
    get handoffs(): string[] {
      return run.handoffs().map((h) => h.reason);
    },
    tags: run.tags,
    async send(i: UserInput) {
      from = run.emitted.length;
      await run.send(i, AT);
    },
  };
}

describe('menu machine', () => {
  it('welcomes with the association name and the privacy notice version, then shows the menu', () => {
    const { replies, actor } = start();
    expect(replies.map((r) => r.key)).toEqual(['menu:welcome', 'menu:menu']);
    expect(replies[0]?.params).toMatchObject({ org: base.orgName, version: 'v2' });
    expect(replies[1]?.choices?.map((c) => c.id)).toEqual([
      'inquiry',
      'request',
      'status',
      'complaint',
      'rating',
      'human',
      'language',
    ]);
    expect(actor.getSnapshot().value).toBe('menu');
  });

  it('shows only the menu in menu mode, and a notice in restart and cancelled modes', () => {
    expect(start({ mode: 'menu' }).replies.map((r) => r.key)).toEqual(['menu:menu']);
    expect(start({ mode: 'restart' }).replies.map((r) => r.key)).toEqual(['menu:restart', 'menu:menu']);
    expect(start({ mode: 'cancelled' }).replies.map((r) => r.key)).toEqual(['menu:cancelled', 'menu:menu']);
  });

  it('starts an inquiry without asking for consent (R6: inquiries need none)', async () => {
    const m = start({ mode: 'menu' });
    await m.send(choice('inquiry'));
    expect(m.actor.getSnapshot().status).toBe('done');
    expect(m.actor.getSnapshot().output).toMatchObject({ next: 'inquiry' });
    expect(m.effects).toEqual([]);
  });

  it('asks for consent before a request and records the accepted version (R6)', async () => {
    const m = start({ mode: 'menu' });
    await m.send(choice('request'));
    expect(m.replies.map((r) => r.key)).toEqual(['menu:consent']);
    expect(m.replies[0]?.params).toMatchObject({ version: 'v2', text: base.consent.text });
    await m.send(choice('accept'));
    expect(m.effects).toEqual([{ kind: 'beneficiary.consent', version: 'v2', at: AT }]);
    expect(m.actor.getSnapshot().output).toMatchObject({ next: 'request' });
  });

  it('declining consent returns to the menu and stores nothing', async () => {
    const m = start({ mode: 'menu' });
    await m.send(choice('complaint'));
    await m.send(choice('decline'));
    expect(m.replies.map((r) => r.key)).toEqual(['menu:consentDeclined', 'menu:menu']);
    expect(m.effects).toEqual([]);
    expect(m.actor.getSnapshot().value).toBe('menu');
  });

  it('does not ask again when the current version was accepted, but does after a new version', async () => {
    const same = start({ mode: 'menu', consentVersion: 'v2' });
    await same.send(choice('status'));
    expect(same.actor.getSnapshot().output).toMatchObject({ next: 'status' });
    const older = start({ mode: 'menu', consentVersion: 'v1' });
    await older.send(choice('status'));
    expect(older.replies.map((r) => r.key)).toEqual(['menu:consent']);
  });

  it.each([
    ['inquiry', 'متى الدوام', 'inquiry'],
    ['new_request', 'ابغى اقدم على مساعدة', 'request'],
    ['my_requests', 'وش صار على طلبي', 'status'],
    ['complaint', 'عندي شكوى على الموظف', 'complaint'],
    ['rating', 'ابي اقيم الخدمة', 'rating'],
  ] as const)('routes free text by intent %s', async (intent, message, flow) => {
    const m = start({ mode: 'menu', consentVersion: 'v2' }, () => ({ intent, confidence: 0.9 }));
    await m.send(text(message));
    expect(m.actor.getSnapshot().output).toMatchObject({ next: flow });
    if (flow === 'inquiry') expect(m.actor.getSnapshot().output).toEqual({ next: 'inquiry', nextInput: { query: message } });
  });

  it('routes a first message given at welcome, after the greeting', async () => {
    const m = start({ text: 'متى الدوام' }, () => ({ intent: 'inquiry', confidence: 1 }));
    await new Promise((r) => setTimeout(r, 5));
    expect(m.actor.getSnapshot().output).toMatchObject({ next: 'inquiry', nextInput: { query: 'متى الدوام' } });
  });

  it('hands off when the person asks for a human, by text or by button', async () => {
    const byText = start({ mode: 'menu' }, () => ({ intent: 'human', confidence: 1 }));
    await byText.send(text('ابي موظف لو سمحت'));
    expect(byText.handoffs).toEqual(['requested']);
    expect(byText.actor.getSnapshot().output).toMatchObject({ next: 'handoff' });
    const byButton = start({ mode: 'menu' });
    await byButton.send(choice('human'));
    expect(byButton.actor.getSnapshot().output).toMatchObject({ next: 'handoff' });
  });

  it('switches language and shows the menu again', async () => {
    const m = start({ mode: 'menu' });
    await m.send(choice('language'));
    expect(m.effects).toEqual([{ kind: 'beneficiary.language', lang: 'en' }]);
    expect(m.replies.map((r) => r.key)).toEqual(['menu:menu']);
  });

  it('says it did not understand, with the menu, when routing finds nothing or fails', async () => {
    const unknown = start({ mode: 'menu' });
    await unknown.send(text('asdfgh'));
    expect(unknown.replies.map((r) => r.key)).toEqual(['menu:notUnderstood', 'menu:menu']);
    const failing = start({ mode: 'menu' }, () => {
      throw new Error('router down');
    });
    await failing.send(text('hello'));
    expect(failing.replies.map((r) => r.key)).toEqual(['menu:notUnderstood', 'menu:menu']);
  });

  const garbage: [string, UserInput][] = [
    ['emoji', text('🔥🚀')],
    ['10,000 characters', text('ب'.repeat(10_000))],
    ['empty text', text('')],
    ['RTL marks only', text('\u200f\u200e')],
    ['sticker', { kind: 'attachment', attachment: { kind: 'sticker' } }],
    ['location', { kind: 'location', latitude: 1, longitude: 2 }],
    ['contact', { kind: 'contact', phone: '0551234567' }],
    ['unknown choice', choice('zzz')],
  ];
  it.each(garbage)('answers %s at the menu and at the consent question, and stays usable', async (_name, input) => {
    const m = start({ mode: 'menu' });
    await m.send(input);
    expect(m.replies.length).toBeGreaterThan(0);
    expect(m.actor.getSnapshot().status).toBe('active');
    await m.send(choice('complaint'));
    await m.send(input);
    expect(m.replies.length).toBeGreaterThan(0);
    expect(m.actor.getSnapshot().value).toBe('consent');
    m.actor.send({ type: 'flow.reprompt' });
    expect(m.actor.getSnapshot().value).toBe('consent');
  });

  it('persists and restores at the consent question', async () => {
    const m = start({ mode: 'menu' });
    await m.send(choice('complaint'));
    const snapshot = JSON.parse(JSON.stringify(m.actor.getPersistedSnapshot()));
    const restored = createActor(menuMachine, { snapshot, input: base });
    restored.start();
    expect(restored.getSnapshot().value).toBe('consent');
  });
});

describe('menu machine: consent in words (R6)', () => {
  it('takes "ايه موافق" / "اكيد" / "I agree" as acceptance; the full notice once, then a short reminder', async () => {
    for (const yes of ['ايه موافق', 'اكيد', 'أيوه', 'I agree']) {
      const m = start({ mode: 'menu' });
      await m.send(choice('request'));
      await m.send(text(yes));
      expect(m.effects, yes).toEqual([{ kind: 'beneficiary.consent', version: 'v2', at: AT }]);
    }
    const m = start({ mode: 'menu' });
    await m.send(choice('request'));
    expect(m.tags()).toContain('asksConsent');
    await m.send(text('وش يعني؟'));
    expect(m.replies.map((r) => r.key)).toEqual(['menu:consentShort']);
    expect(m.replies[0]?.choices?.map((c) => c.id)).toEqual(['accept', 'decline']);
    await m.send(text('لا'));
    expect(m.replies.map((r) => r.key)).toEqual(['menu:consentDeclined', 'menu:menu']);
  });
});
