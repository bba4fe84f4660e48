/**
 * R6: no personal data in logs. The logs of whole dialogues (request with national ID, phone and
 * IBAN; complaint; a handoff) are captured at the most verbose level and searched.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient, startApp, type TestApp } from '../support/app.js';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('logs', () => {
  it('carry ids and counts, never national IDs, phones, names, IBANs, message texts or platform user ids', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    t = await startApp({}, { logger: pino({ level: 'trace' }, sink) });
    const session = 'privacy-session-000123';
    const chat = new ChatClient(t.url, session);
    const typed = [
      'أنا محمد عبدالله القحطاني',
      '1000000008',
      '0551234567',
      'SA0380000000608010167519',
      'تأخر الموظف في الرد على اتصالي أكثر من أسبوع',
    ];
    await chat.text(typed[0] as string);
    await chat.startVolunteering();
    await chat.text(typed[1] as string);
    await chat.text(typed[2] as string);
    await chat.text('1');
    await chat.text('1');
    await chat.text('8');
    await chat.choose('skip');
    await chat.choose('confirm');
    await chat.choose('agree');
    await chat.text('القائمة');
    await chat.choose('complaint');
    await chat.text('2');
    await chat.text(typed[4] as string);
    await chat.text(typed[3] as string);
    await chat.text('أبي أكلم موظف');
    await chat.text('رقمي 0551234567 واسمي محمد');
    // Let the dispatcher send the staff alerts (it logs what it does).
    await new Promise((r) => setTimeout(r, 1500));
    expect(lines.length).toBeGreaterThan(10); // the turns were logged
    for (const secret of [...typed, '551234567', '+966551234567', session, 'محمد']) {
      const leak = lines.find((l) => l.includes(secret));
      expect(leak, `a log line contains ${secret}`).toBeUndefined();
    }
  });
});
