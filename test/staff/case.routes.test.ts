/**
 * The whole case in the staff console (issue 13): the form unmasked for the roles that may see it,
 * 403 for the others (the case and its documents), documents served with their own type and never
 * executable, audit rows for every view, verification and notes with who and when, a committee
 * decision through the webhook's path (the person told on their channel), asking for missing
 * information naming it, reassignment, compensation steps (002 ثـ), and markup shown as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.js';
import { addStaff, ConsoleClient, PDF, PNG, seedCase } from './support.js';

let t: TestApp;

beforeAll(async () => {
  t = await startApp({}, { dispatcher: { pollMs: 50 } });
  await addStaff(t.app, 'research.officer', 'officer', ['social_research']);
  await addStaff(t.app, 'volunteer.officer', 'officer', ['volunteering']);
  await addStaff(t.app, 'complaints.officer', 'officer', ['complaints']);
  await addStaff(t.app, 'research.committee', 'committee', ['research']);
  await addStaff(t.app, 'followup.committee', 'committee', ['followup']);
  await addStaff(t.app, 'boss', 'manager');
  await addStaff(t.app, 'root', 'admin');
});

afterAll(async () => {
  await t?.close();
});

const urgent = () =>
  seedCase(
    t.app,
    t.dir,
    {
      kind: 'request',
      type: 'urgent_support',
      committee: 'research',
      data: { national_id: '1000000008', mobile: '+966501234567', incident_date: '2026-11-20', situation: 'احترق جزء من المنزل' },
      docs: { evidence: PNG },
    },
    { messages: ['أبي أقدم على دعم عاجل'] },
  );

async function auditOf(ref: string) {
  return t.app.db.all<{ staff_id: string; action: string; details: string | null }>(
    'SELECT staff_id, action, details FROM staff_audit WHERE subject_id = ? ORDER BY at, action',
    [ref],
  );
}

describe('the case page', () => {
  it('shows an officer the whole case of their category, unmasked, and audits the view', async () => {
    const { ref } = await urgent();
    const c = new ConsoleClient(t.url);
    await c.signIn('research.officer');
    expect((await c.get('/staff/requests')).html).toContain(ref);
    const page = await c.get(`/staff/cases/${ref}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('1000000008'); // the form unmasked for this role
    expect(page.html).toContain('احترق جزء من المنزل');
    expect(page.html).toContain('أقر بأن جميع المعلومات المقدمة صحيحة'); // the attestation
    expect(page.html).toContain('أبي أقدم على دعم عاجل'); // the transcript
    expect(page.html).toContain('id="history"');
    expect(page.html).not.toContain('id="decision-form"'); // officers do not decide
    expect(page.html).toContain('id="needs-info-form"');
    expect(await auditOf(ref)).toEqual([{ staff_id: 'staff:research.officer', action: 'case.view', details: null }]);

    // The document: its own type, inline only as an image, never sniffed, sandboxed; download on request
    const doc = await fetch(`${t.url}/staff/cases/${ref}/documents/0`, {
      headers: { cookie: `staff_session=${c.cookie('staff_session')}` },
    });
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe('image/png');
    expect(doc.headers.get('x-content-type-options')).toBe('nosniff');
    expect(doc.headers.get('content-security-policy')).toContain('sandbox');
    expect(doc.headers.get('content-disposition')).toMatch(/^inline; filename="R-/);
    expect(Buffer.from(await doc.arrayBuffer()).equals(PNG)).toBe(true);
    const dl = await fetch(`${t.url}/staff/cases/${ref}/documents/0?download=1`, {
      headers: { cookie: `staff_session=${c.cookie('staff_session')}` },
    });
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment;/);
    const rows = await auditOf(ref);
    expect(rows.map((r) => r.action)).toEqual(['case.view', 'document.view', 'document.view']);
    expect(JSON.parse(rows[1]?.details ?? '{}')).toMatchObject({ document: 0, source: 'evidence', download: false });
  });

  it('refuses another category’s officer (403) on the case and its documents, and an admin', async () => {
    const { ref } = await urgent();
    const c = new ConsoleClient(t.url);
    await c.signIn('volunteer.officer');
    expect((await c.get('/staff/requests')).html).not.toContain(ref);
    const page = await c.get(`/staff/cases/${ref}`);
    expect(page.status).toBe(403);
    expect(page.html).not.toContain('1000000008');
    expect((await c.get(`/staff/cases/${ref}/documents/0`)).status).toBe(403);
    expect((await c.get(`/staff/cases/${ref}/documents/0?download=1`)).status).toBe(403);
    const admin = new ConsoleClient(t.url);
    await admin.signIn('root');
    expect((await admin.get(`/staff/cases/${ref}`)).status).toBe(403);
    expect(await auditOf(ref)).toEqual([]);
  });

  it('serves a PDF only as a download', async () => {
    const { ref } = await seedCase(t.app, t.dir, {
      kind: 'request',
      type: 'training_program',
      committee: 'programs',
      data: { national_id: '1000000008' },
      docs: { certificate: PDF },
    });
    const c = new ConsoleClient(t.url);
    await c.signIn('boss');
    const res = await fetch(`${t.url}/staff/cases/${ref}/documents/0`, {
      headers: { cookie: `staff_session=${c.cookie('staff_session')}` },
    });
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('records verification and notes with who and when; the committee decides and the person is told on their channel', async () => {
    const { ref, session } = await urgent();
    const officer = new ConsoleClient(t.url);
    await officer.signIn('research.officer');
    await officer.get(`/staff/cases/${ref}`);
    let page = await officer.post(`/staff/cases/${ref}/verify`, { field: 'national_id', result: 'matched' });
    expect(page.html).toContain('سُجّل التحقق');
    expect(page.html).toMatch(/data-field="national_id">.*مطابق<\/span> <small>موظف research\.officer/s);
    page = await officer.post(`/staff/cases/${ref}/notes`, { text: 'تواصلت مع المستفيد هاتفيًا' });
    expect(page.html).toContain('تواصلت مع المستفيد هاتفيًا');
    // An officer may not decide
    expect((await officer.post(`/staff/cases/${ref}/decision`, { decision: 'approved' })).status).toBe(403);

    const committee = new ConsoleClient(t.url);
    await committee.signIn('research.committee');
    page = await committee.get(`/staff/cases/${ref}`);
    expect(page.html).toContain('id="decision-form"');
    page = await committee.post(`/staff/cases/${ref}/decision`, { decision: 'approved', note: 'يرجى مراجعة الجمعية يوم الأحد' });
    expect(page.html).toContain('سُجّل القرار وأُبلغ المستفيد');
    expect(page.html).toContain('data-status="approved"');
    const event = await t.app.db.get<{ actor: string; note: string }>(
      "SELECT actor, note FROM status_events WHERE status = 'approved' AND request_id = (SELECT id FROM requests WHERE ref = ?)",
      [ref],
    );
    expect(event).toEqual({ actor: 'staff:research.committee', note: 'يرجى مراجعة الجمعية يوم الأحد' });
    // The person is told on their channel (the web chat), as the webhook would tell them
    const out = await t.app.db.get<{ channel: string; recipient: string; payload: string }>(
      'SELECT channel, recipient, payload FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1',
      [session],
    );
    expect(out?.channel).toBe('web');
    expect(out?.payload).toContain(ref);
    expect(out?.payload).toContain('يرجى مراجعة الجمعية يوم الأحد');
    // A decision the status no longer allows is refused
    page = await committee.post(`/staff/cases/${ref}/decision`, { decision: 'rejected' });
    expect(page.html).toContain('لا تسمح الحالة الحالية بهذا القرار');
    expect((await auditOf(ref)).map((r) => `${r.staff_id} ${r.action}`)).toEqual([
      'staff:research.officer case.view',
      'staff:research.officer case.verify',
      'staff:research.officer case.view',
      'staff:research.officer case.note',
      'staff:research.officer case.view',
      'staff:research.committee case.view',
      'staff:research.committee case.decision',
      'staff:research.committee case.view',
      'staff:research.committee case.view',
    ]);
  });

  it('asks for missing information naming it, through the decisions path', async () => {
    const { ref, session } = await urgent();
    const officer = new ConsoleClient(t.url);
    await officer.signIn('research.officer');
    await officer.get(`/staff/cases/${ref}`);
    const page = await officer.post(`/staff/cases/${ref}/needs-info`, { missing: 'evidence', text: 'صورة واضحة من فضلك' });
    expect(page.html).toContain('أُرسل طلب المعلومات إلى المستفيد');
    expect(page.html).toContain('data-status="needs_info"');
    // The notification (then the status dialogue reopens on the case, R3h)
    const sent = await t.app.db.all<{ payload: string }>('SELECT payload FROM outbox WHERE recipient = ? ORDER BY id', [session]);
    const out = sent.find((m) => m.payload.includes('المطلوب استكماله'));
    expect(out?.payload).toContain(ref);
    expect(out?.payload).toContain(
      t.app.profile.requestTypes.find((x) => x.id === 'urgent_support')?.fields.find((f) => f.id === 'evidence')?.label.ar,
    );
    expect(out?.payload).toContain('صورة واضحة من فضلك');
  });

  it('lets a manager reassign a case, which the new officer then sees', async () => {
    const { ref } = await urgent();
    const boss = new ConsoleClient(t.url);
    await boss.signIn('boss');
    await boss.get(`/staff/cases/${ref}`);
    const page = await boss.post(`/staff/cases/${ref}/reassign`, { login: 'volunteer.officer' });
    expect(page.html).toContain('أُسندت الحالة');
    expect(page.html).toContain('موظف volunteer.officer');
    const officer = new ConsoleClient(t.url);
    await officer.signIn('volunteer.officer');
    expect((await officer.get(`/staff/cases/${ref}`)).status).toBe(200);
    expect((await officer.get('/staff/requests')).html).toContain(ref);
    // An officer may not reassign
    expect((await officer.post(`/staff/cases/${ref}/reassign`, { login: 'boss' })).status).toBe(403);
  });

  it('refuses a case action without the form token (CSRF)', async () => {
    const { ref } = await urgent();
    const c = new ConsoleClient(t.url);
    await c.signIn('research.officer');
    const res = await c.post(`/staff/cases/${ref}/notes`, { _token: 'forged', text: 'x' }, false);
    expect(res.status).toBe(403);
    expect(await t.app.db.get('SELECT id FROM case_notes WHERE case_ref = ?', [ref])).toBeUndefined();
  });

  it('follows a compensation claim: investigation record, negotiation, settlement; the person is told', async () => {
    const { ref, session } = await seedCase(t.app, t.dir, {
      kind: 'complaint',
      category: 'compensation',
      committee: 'followup',
      description: 'تلفت أجهزتي أثناء نقل المساعدات',
      data: { harm: 'تلف ثلاجة', amount: 1500 },
      doc: PNG,
    });
    const officer = new ConsoleClient(t.url);
    await officer.signIn('complaints.officer');
    let page = await officer.get(`/staff/cases/${ref}`);
    expect(page.html).toContain('تلف ثلاجة');
    expect(page.html).toContain('id="compensation"');
    page = await officer.post(`/staff/cases/${ref}/compensation`, {
      step: 'investigation',
      date: '2026-11-30',
      approvedBy: 'لجنة المتابعة',
      finding: 'caused',
      summary: 'ثبت التلف أثناء النقل',
    });
    expect(page.html).toContain('سُجّلت الخطوة');
    page = await officer.post(`/staff/cases/${ref}/compensation`, {
      step: 'negotiation',
      offer: '١٬٠٠٠',
      summary: 'عرض ألف ريال',
    });
    expect(page.html).toContain('data-step="negotiation"');
    // Settling tells the person: the follow-up committee records it
    expect(
      (
        await officer.post(`/staff/cases/${ref}/compensation`, {
          step: 'settlement',
          outcome: 'amount',
          amount: '1200',
          message: 'x',
        })
      ).status,
    ).toBe(403);
    const committee = new ConsoleClient(t.url);
    await committee.signIn('followup.committee');
    await committee.get(`/staff/cases/${ref}`);
    page = await committee.post(`/staff/cases/${ref}/compensation`, {
      step: 'settlement',
      outcome: 'amount',
      amount: '1200',
      message: 'اتفقنا على تعويضك بمبلغ ١٢٠٠ ريال يُحوّل خلال أسبوع.',
    });
    expect(page.html).toContain('سُجّلت التسوية وأُبلغ المستفيد بالنتيجة');
    expect(page.html).toContain('data-status="resolved"');
    const steps = await t.app.db.all<{ step: string; details: string }>(
      'SELECT step, details FROM compensation_steps WHERE complaint_ref = ? ORDER BY at, id',
      [ref],
    );
    expect(steps.map((s) => s.step)).toEqual(['investigation', 'negotiation', 'settlement']);
    expect(JSON.parse(steps[0]?.details ?? '{}')).toMatchObject({
      date: '2026-11-30',
      approvedBy: 'لجنة المتابعة',
      finding: 'caused',
    });
    expect(JSON.parse(steps[1]?.details ?? '{}')).toMatchObject({ offer: 1000 });
    expect(JSON.parse(steps[2]?.details ?? '{}')).toMatchObject({ outcome: 'amount', amount: 1200, told: true });
    const out = await t.app.db.get<{ payload: string }>(
      'SELECT payload FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1',
      [session],
    );
    expect(out?.payload).toContain('اتفقنا على تعويضك بمبلغ ١٢٠٠ ريال');
  });

  it('shows markup typed by a person as text', async () => {
    const { ref } = await seedCase(
      t.app,
      t.dir,
      {
        kind: 'request',
        type: 'event_participation',
        committee: 'programs',
        data: { full_name: '<img src=x onerror=alert(1)>', special_needs: '<script>alert(2)</script>' },
      },
      { messages: ['<script>alert(3)</script>'] },
    );
    const c = new ConsoleClient(t.url);
    await c.signIn('boss');
    const page = await c.get(`/staff/cases/${ref}`);
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(page.html).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(page.html).not.toContain('<img src=x');
    expect(page.html).not.toMatch(/<script>alert/);
  });
});
