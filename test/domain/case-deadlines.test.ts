/**
 * R3e: each kind of deadline as the policies word it, end to end on each database (SQLite, and
 * PostgreSQL when TEST_POSTGRES_URL is set): what the person is told at submission and in "my
 * requests", the SLA watch, the console's late flag and the requests API; and, for a deadline
 * counted from completion (seed 002), `needs_info` → supplied moves the date and tells the person.
 *
 * - notBefore: seeds 000, 001, 003 «خلال مدة لا تقل عن أسبوعين» (a minimum: never late);
 * - within, working days, from completion: seed 002 «لا تتجاوز (15) يوم عمل من تاريخ اكتمال الطلب»;
 * - none: seed 004 and every complaint policy (nothing said about a date, never late).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addWorkingDays, localDateText } from '../../src/domain/calendar.js';
import type { Deadline } from '../../src/domain/deadline.js';
import { calendarOf } from '../../src/engine/flow-registry.js';
import { listCases } from '../../src/staff/cases.query.js';
import { API_TOKEN, type BackOfficeApp, chatHistory, startBackOffice, submitVolunteering } from '../api/helpers.js';
import { ChatClient, said } from '../support/app.js';

const url = process.env.TEST_POSTGRES_URL;
const DATABASES = [
  { name: 'SQLite', postgresUrl: undefined },
  ...(url ? [{ name: 'PostgreSQL', postgresUrl: url }] : []),
] as const;

/** Submission: Tuesday 1 December 2026, 10:00 in Riyadh. */
const SUBMITTED = '2026-12-01T07:00:00Z';
const DAY = 86_400_000;

let h: BackOfficeApp | null = null;
let dir = '';
afterEach(async () => {
  await h?.close();
  h = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The app with the volunteering committee's deadline as a policy states it. */
async function start(postgresUrl: string | undefined, deadline: Deadline): Promise<BackOfficeApp> {
  dir = mkdtempSync(path.join(tmpdir(), 'deadlines-'));
  h = await startBackOffice({
    dir,
    start: SUBMITTED,
    ...(postgresUrl ? { postgresUrl } : {}),
    profile: (p) => {
      for (const c of p.committees as { id: string; deadline: Deadline }[]) if (c.id === 'volunteering') c.deadline = deadline;
    },
  });
  return h;
}

/** What "my requests" shows of a case. */
async function statusView(chat: ChatClient, ref: string): Promise<string> {
  await chat.text('القائمة');
  await chat.choose('status');
  return said(await chat.choose(`case:${ref}`));
}

/** The console's row of a case at `now` (the list of /staff/requests). */
async function consoleRow(b: BackOfficeApp, ref: string, now: Date) {
  const page = await listCases(b.t.app.db, b.t.app.profile, 'request', { now });
  const row = page.rows.find((r) => r.ref === ref);
  expect(row).toBeDefined();
  return row as NonNullable<typeof row>;
}

/** The back office's view of a request (GET /api/v1/requests/:ref). */
async function apiView(b: BackOfficeApp, ref: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${b.t.url}/api/v1/requests/${ref}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function stored(b: BackOfficeApp, ref: string) {
  const row = await b.t.app.db.get<{ due_at: unknown; completed_at: unknown; deadline_kind: string }>(
    'SELECT due_at, completed_at, deadline_kind FROM requests WHERE ref = ?',
    [ref],
  );
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
  return { dueAt: iso(row?.due_at), completedAt: iso(row?.completed_at), kind: row?.deadline_kind };
}

describe.each(DATABASES)('deadlines as the policies word them ($name)', ({ postgresUrl }) => {
  it('notBefore (seeds 000/001/003): «لن يصلك الرد قبل …», never late', async () => {
    const b = await start(postgresUrl, { kind: 'notBefore', days: 14, unit: 'calendar', from: 'submission' });
    const due = new Date(Date.parse(SUBMITTED) + 14 * DAY);
    const date = localDateText(due, 'Asia/Riyadh');
    // The person is told the earliest answer date, not a promised one (Arabic-Indic digits)
    const chat = new ChatClient(b.t.url);
    const ref = await submitVolunteering(chat);
    const submitted = (await chatHistory(b.t.url, chat.session)).map((m) => m.text).join('\n');
    expect(submitted).toContain(`لن يصلك الرد قبل ${date.ar}`);
    expect(date.ar).toContain('١٥ ديسمبر ٢٠٢٦');
    expect(await stored(b, ref)).toMatchObject({ kind: 'notBefore', dueAt: due.toISOString() });
    // "My requests" says the same
    expect(await statusView(chat, ref)).toContain(`لن يصلك الرد قبل ${date.ar}`);
    // A month later, unanswered: a minimum is never overdue (SLA watch, console, API)
    const later = b.clock.set('2027-01-05T07:00:00Z');
    expect(await b.scheduler.runOnce(later)).toMatchObject({ slaAlerts: 0, slaEscalations: 0 });
    expect(await consoleRow(b, ref, later)).toMatchObject({ overdue: false, deadline: { kind: 'notBefore' } });
    expect(await apiView(b, ref)).toMatchObject({ overdue: false, deadline: { kind: 'notBefore', days: 14 } });
    // In English too
    const en = new ChatClient(b.t.url);
    await submitVolunteering(en, 'en');
    const enText = (await chatHistory(b.t.url, en.session)).map((m) => m.text).join('\n');
    expect(enText).toContain(`You will not receive the answer before ${localDateText(new Date(later.getTime() + 14 * DAY)).en}`);
  });

  it('within 15 working days from completion (seed 002): stated, moved when the information comes, late only after it', async () => {
    const b = await start(postgresUrl, { kind: 'within', days: 15, unit: 'working', from: 'completion' });
    const cal = calendarOf(b.t.app.profile);
    const due = addWorkingDays(new Date(SUBMITTED), 15, cal);
    // The person is told the maximum and from when it counts (a submitted request is complete, R3b)
    const chat = new ChatClient(b.t.url);
    const ref = await submitVolunteering(chat);
    const submitted = (await chatHistory(b.t.url, chat.session)).map((m) => m.text).join('\n');
    expect(submitted).toContain('خلال \u2068١٥\u2069 يوم عمل من اكتمال طلبك');
    expect(submitted).toContain(localDateText(due, 'Asia/Riyadh').ar);
    expect(await stored(b, ref)).toEqual({
      kind: 'within',
      dueAt: due.toISOString(),
      completedAt: SUBMITTED.replace('Z', '.000Z'),
    });

    // The committee asks for information two days later: the request is not complete any more
    b.clock.set('2026-12-03T07:00:00Z');
    expect((await b.backOffice.decide({ ref, decision: 'needs_info', note: 'صورة الهوية' })).status).toBe(202);
    const waiting = (await chatHistory(b.t.url, chat.session)).map((m) => m.text).join('\n');
    expect(waiting).toContain('يُحتسب موعد الرد من اكتمال طلبك');
    // …and, waiting on the person, it is not late even after the first date
    const pastFirst = new Date(due.getTime() + DAY);
    expect(await consoleRow(b, ref, pastFirst)).toMatchObject({ overdue: false });

    // The person supplies it on Thursday 10th: the date is counted again from then, and they are told
    const suppliedAt = b.clock.set('2026-12-10T07:00:00Z');
    const moved = addWorkingDays(suppliedAt, 15, cal);
    await chat.choose('supply');
    const answer = said(await chat.text('أرسلت صورة الهوية إلى بريد الجمعية'));
    expect(answer).toContain('خلال \u2068١٥\u2069 يوم عمل من اكتمال طلبك');
    expect(answer).toContain(localDateText(moved, 'Asia/Riyadh').ar);
    expect(await stored(b, ref)).toEqual({
      kind: 'within',
      dueAt: moved.toISOString(),
      completedAt: suppliedAt.toISOString(),
    });
    expect(await statusView(chat, ref)).toContain(localDateText(moved, 'Asia/Riyadh').ar);

    // The SLA watch, the console and the API: on time before the moved date, late after it
    const before = new Date(moved.getTime() - 60_000);
    expect((await b.scheduler.runOnce(b.clock.set(before.toISOString()))).slaEscalations).toBe(0);
    expect(await consoleRow(b, ref, before)).toMatchObject({ overdue: false });
    const after = new Date(moved.getTime() + 60_000);
    expect((await b.scheduler.runOnce(b.clock.set(after.toISOString()))).slaEscalations).toBe(1);
    expect((await b.scheduler.runOnce(b.clock.advance(1))).slaEscalations).toBe(0);
    expect(await consoleRow(b, ref, after)).toMatchObject({ overdue: true, deadline: { kind: 'within', from: 'completion' } });
    expect(await apiView(b, ref)).toMatchObject({ overdue: true, dueAt: moved.toISOString() });
    // Once decided, nothing is late any more
    expect((await b.backOffice.decide({ ref, decision: 'approved' })).status).toBe(202);
    expect(await consoleRow(b, ref, after)).toMatchObject({ overdue: false });
  });

  it('none (seed 004, complaints): nothing said about a date, never late', async () => {
    const b = await start(postgresUrl, { kind: 'none' });
    const chat = new ChatClient(b.t.url);
    const ref = await submitVolunteering(chat);
    const submitted = (await chatHistory(b.t.url, chat.session)).map((m) => m.text).join('\n');
    expect(submitted).not.toContain('لن يصلك الرد قبل');
    expect(submitted).not.toContain('يوم عمل');
    expect(submitted).toContain('سنبلغك بالنتيجة فور صدورها');
    expect(await stored(b, ref)).toMatchObject({ kind: 'none', dueAt: null });
    const view = await statusView(chat, ref);
    expect(view).toContain('سنبلغك بالنتيجة فور صدورها');
    expect(view).not.toContain('موعد');
    const later = b.clock.set('2027-03-01T07:00:00Z');
    expect(await b.scheduler.runOnce(later)).toMatchObject({ slaAlerts: 0, slaEscalations: 0 });
    expect(await consoleRow(b, ref, later)).toMatchObject({ overdue: false, dueAt: null, deadline: { kind: 'none' } });
    expect(await apiView(b, ref)).toMatchObject({ overdue: false, dueAt: null, deadline: { kind: 'none' } });
  });
});
