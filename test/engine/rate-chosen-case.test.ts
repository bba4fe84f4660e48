/**
 * Typed hand-over between dialogues (issue 9): "my requests" → a chosen case → "rate" opens the
 * rating dialogue on that case (FlowHandovers['rating'] = { target }), so a person with two served
 * requests is not asked again which one (R8). Runs on SQLite, and on PostgreSQL when
 * TEST_POSTGRES_URL is set. Real app, real database, web chat over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BackOfficeApp, startBackOffice, submitVolunteering } from '../api/helpers.js';
import { ChatClient, choicesOf, said } from '../support/app.js';

const url = process.env.TEST_POSTGRES_URL;
const DATABASES = [
  { name: 'SQLite', postgresUrl: undefined },
  ...(url ? [{ name: 'PostgreSQL', postgresUrl: url }] : []),
] as const;

let h: BackOfficeApp | null = null;
let dir = '';
afterEach(async () => {
  await h?.close();
  h = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A second volunteering request from a person who already consented (R6 asked once). */
async function submitAgain(chat: ChatClient): Promise<string> {
  await chat.text('القائمة');
  await chat.choose('request');
  await chat.choose('type:volunteering');
  await chat.choose('yes');
  await chat.choose('yes');
  await chat.text('1000000008');
  await chat.text('0551234567');
  await chat.text('1');
  await chat.text('1');
  await chat.text('8');
  await chat.choose('skip');
  await chat.choose('confirm');
  const done = await chat.choose('agree');
  const ref = said(done).match(/R-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0];
  expect(ref, said(done)).toBeTruthy();
  return ref as string;
}

describe.each(DATABASES)('rating the case chosen in "my requests" ($name)', ({ postgresUrl }) => {
  it('two served requests, "my requests" → the second → rate: the rating is stored against the second, no question which one', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'rate-chosen-'));
    h = await startBackOffice({ dir, ...(postgresUrl ? { postgresUrl } : {}) });
    const { t, backOffice } = h;
    // Given a person with two served requests (R3f-g), neither rated
    const chat = new ChatClient(t.url);
    const first = await submitVolunteering(chat);
    expect((await backOffice.decide({ ref: first, decision: 'approved' })).status).toBe(202);
    expect((await backOffice.decide({ ref: first, decision: 'served' })).status).toBe(202);
    const second = await submitAgain(chat);
    expect((await backOffice.decide({ ref: second, decision: 'approved' })).status).toBe(202);
    expect((await backOffice.decide({ ref: second, decision: 'served' })).status).toBe(202);

    // When they open "my requests" and choose the second one
    await chat.text('القائمة');
    const list = await chat.choose('status');
    expect(choicesOf(list)).toEqual(expect.arrayContaining([`case:${first}`, `case:${second}`]));
    const detail = await chat.choose(`case:${second}`);
    expect(choicesOf(detail)).toContain('rate');

    // And choose to rate it: the score question names the second case; nobody asks which one
    const asked = await chat.choose('rate');
    expect(said(asked)).toContain(second);
    expect(said(asked)).not.toContain(first);
    expect(choicesOf(asked)).toEqual(['1', '2', '3', '4', '5']);
    expect(choicesOf(asked).some((c) => c.startsWith('case:'))).toBe(false);
    await chat.choose('4');
    await chat.choose('skip');

    // Then the one rating is stored against the second request (R8)
    const ratings = await t.app.db.all<{ ref: string | null; score: number }>(
      'SELECT r.ref, x.score FROM ratings x LEFT JOIN requests r ON r.id = x.request_id',
    );
    expect(ratings.map((r) => ({ ref: r.ref, score: Number(r.score) }))).toEqual([{ ref: second, score: 4 }]);
  });
});
