/**
 * Nothing a person types crashes a dialogue: at states of every dialogue, random Unicode, very long
 * messages, empty messages, emoji, RTL marks and unsupported attachment kinds each get a polite
 * answer, and the conversation stays usable (the menu still comes back).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserInput } from '../../flows/types.js';
import { startApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startApp();
});
afterAll(async () => {
  await t.close();
});

const PATHS: Record<string, UserInput[]> = {
  menu: [{ kind: 'text', text: 'مرحبا' }],
  consent: [
    { kind: 'text', text: 'مرحبا' },
    { kind: 'choice', id: 'complaint' },
  ],
  complaintCategory: [
    { kind: 'text', text: 'مرحبا' },
    { kind: 'choice', id: 'complaint' },
    { kind: 'choice', id: 'accept' },
  ],
  complaintDescription: [
    { kind: 'text', text: 'مرحبا' },
    { kind: 'choice', id: 'complaint' },
    { kind: 'choice', id: 'accept' },
    { kind: 'text', text: '1' },
  ],
  requestEligibility: [
    { kind: 'text', text: 'مرحبا' },
    { kind: 'choice', id: 'request' },
    { kind: 'choice', id: 'accept' },
    { kind: 'choice', id: 'type:volunteering' },
  ],
  requestNationalId: [
    { kind: 'text', text: 'مرحبا' },
    { kind: 'choice', id: 'request' },
    { kind: 'choice', id: 'accept' },
    { kind: 'choice', id: 'type:volunteering' },
    { kind: 'choice', id: 'yes' },
    { kind: 'choice', id: 'yes' },
  ],
  inquiry: [
    { kind: 'text', text: 'مرحبا' },
    { kind: 'choice', id: 'inquiry' },
  ],
  status: [
    { kind: 'text', text: 'مرحبا' },
    { kind: 'choice', id: 'status' },
    { kind: 'choice', id: 'accept' },
  ],
  rating: [
    { kind: 'text', text: 'مرحبا' },
    { kind: 'choice', id: 'rating' },
    { kind: 'choice', id: 'accept' },
  ],
};

const garbage: fc.Arbitrary<UserInput> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }).map((text) => ({ kind: 'text' as const, text })),
  fc.string({ unit: 'binary', maxLength: 40 }).map((text) => ({ kind: 'text' as const, text })),
  fc.constantFrom<UserInput>(
    { kind: 'text', text: '' },
    { kind: 'text', text: 'ش'.repeat(10_000) },
    { kind: 'text', text: '😀🙏🏽👨‍👩‍👧‍👦🇸🇦' },
    { kind: 'text', text: '\u200f\u200e\u202b\u202c\u2066' },
    { kind: 'attachment', attachment: { kind: 'sticker', mimeType: 'image/webp' } },
    { kind: 'attachment', attachment: { kind: 'audio', mimeType: 'audio/ogg' } },
    { kind: 'attachment', attachment: { kind: 'video', mimeType: 'video/mp4', size: 50_000_000 } },
    { kind: 'attachment', attachment: { kind: 'other' } },
    { kind: 'location', latitude: 24.7, longitude: 46.7 },
    { kind: 'contact', phone: '+966551234567' },
    { kind: 'choice', id: 'no-such-choice' },
  ),
);

let n = 0;
async function say(user: string, input: UserInput) {
  return t.app.engine.handle({ channel: 'web', userId: user, messageId: `fuzz-${++n}`, at: new Date(), input });
}

describe('fuzz: any input at any state', () => {
  for (const [state, path] of Object.entries(PATHS)) {
    it(`${state}: every input gets a reply and the conversation stays usable`, async () => {
      await fc.assert(
        fc.asyncProperty(garbage, async (input) => {
          const user = `fuzz-user-${++n}`;
          for (const step of path) await say(user, step);
          const turn = await say(user, input);
          expect(turn.status).toBe('processed');
          expect(turn.replies.length).toBeGreaterThan(0);
          for (const r of turn.replies) {
            expect(r.text.trim().length).toBeGreaterThan(0);
            expect(r.text).not.toMatch(/\bError\b|at .+\.ts:\d+|undefined|\{\{/);
          }
          const menu = await say(user, { kind: 'text', text: 'القائمة' });
          expect(menu.replies.at(-1)?.choices?.map((c) => c.id)).toContain('request');
        }),
        { numRuns: 25 },
      );
    });
  }
});
