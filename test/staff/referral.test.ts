/**
 * Referral to the responsible officer (R7; 002 خـ; issue 13): «موظف» inside a complaint reaches
 * the complaints officer, inside a volunteering request the volunteering officer; in the
 * cooperative's profile a general-assembly member reaches the members officer; `general` only
 * when nothing is known.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/domain/profile.js';
import { referralCategory } from '../../src/domain/referral.js';
import { ChatClient, startApp, type TestApp } from '../support/app.js';

const root = path.resolve(import.meta.dirname, '../..');
const COOPERATIVE = path.join(root, 'src/profiles/002-safwa-cooperative.json');

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function handoffCategory(): Promise<string | undefined> {
  return (await t?.app.db.get<{ category: string }>("SELECT category FROM handoffs WHERE status = 'open'"))?.category;
}

describe('referral by the dialogue and the person', () => {
  it('«موظف» inside a complaint goes to the complaints officer', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('السلام عليكم');
    await chat.choose('complaint');
    await chat.choose('accept');
    await chat.choose('cat:delay');
    await chat.text('موظف');
    expect(await handoffCategory()).toBe('complaints');
  });

  it('«موظف» inside a volunteering request goes to the volunteering officer', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('السلام عليكم');
    await chat.startVolunteering();
    await chat.text('موظف');
    expect(await handoffCategory()).toBe('volunteering');
  });

  it('with nothing known, to the default officer', async () => {
    t = await startApp();
    const chat = new ChatClient(t.url);
    await chat.text('السلام عليكم');
    await chat.text('موظف');
    expect(await handoffCategory()).toBe(t.app.profile.handoff.defaultCategory);
  });

  it.skipIf(!existsSync(COOPERATIVE))('in the cooperative, a general-assembly member goes to the members officer', async () => {
    t = await startApp({ ORG_PROFILE: COOPERATIVE });
    const chat = new ChatClient(t.url);
    await chat.text('السلام عليكم');
    await chat.choose('request');
    await chat.choose('accept');
    await chat.choose('type:service_request');
    await chat.text('1000000008');
    await chat.text('0501234567');
    await chat.choose('opt:member');
    await chat.text('موظف');
    expect(await handoffCategory()).toBe('members');
    const officer = t.app.profile.officers.find((o) => o.categories.includes('members'));
    expect(officer?.id).toBe('members_officer');
  });

  it.skipIf(!existsSync(COOPERATIVE))(
    'reads the person’s category from a membership number, before the request’s own category',
    () => {
      const profile = loadProfile(COOPERATIVE);
      expect(
        referralCategory(profile, {
          flowId: 'request',
          context: { type: { $p: 'requestTypes', id: 'service_request' }, answers: { membership_number: { value: '٤٥١' } } },
        }),
      ).toBe('members');
      expect(
        referralCategory(profile, {
          flowId: 'request',
          context: { type: { $p: 'requestTypes', id: 'service_request' }, answers: {} },
        }),
      ).toBe('services');
      expect(referralCategory(profile, { flowId: 'complaint' })).toBe('complaints');
      expect(referralCategory(profile, { flowId: 'inquiry' })).toBe('general');
      expect(referralCategory(profile, { flowId: null, personCategories: ['members'] })).toBe('members');
    },
  );
});
