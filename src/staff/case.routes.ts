/**
 * The case pages of the staff console (issue 13): `/staff/cases/:ref` (the whole case), its
 * documents, and the actions: verification, notes, a committee decision (through the webhook's
 * path), asking for missing information, reassignment, compensation steps. Access is decided per
 * case (src/staff/access.ts); a refusal is a 403. Every view of a case or a document is audited.
 */
import type { Request, Response, Router } from 'express';
import { ComplaintAlertsRepository } from '../db/staff-cases.repository.js';
import { normalizeReference } from '../domain/reference.js';
import type { Decision } from '../notify/messages.js';
import { canDecide, canSeeCase, canWork, isManager } from './access.js';
import { AccountService } from './accounts.js';
import { CaseService, COMPENSATION_STEPS, type CompensationStep } from './case.service.js';
import { casePage, fieldLines } from './case.views.js';
import type { StaffSession } from './console.auth.js';
import type { ConsoleKit } from './console.routes.js';
import { errorPage } from './console.views.js';

const FLASHES = ['verified', 'noted', 'decided', 'asked', 'reassigned', 'stepSaved', 'settled'] as const;
const ERRORS = ['notAllowed', 'badInput', 'conflict'] as const;

function field(body: unknown, name: string, max: number): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}

/** Adds the case routes to the console. */
export function caseRoutes(deps: { readAttachment?: (key: string) => Promise<Buffer> }) {
  return (router: Router, kit: ConsoleKit): void => {
    const { db, profile, translator } = kit.deps;
    const cases = new CaseService({
      db,
      profile,
      ...(kit.deps.decisions ? { decisions: kit.deps.decisions } : {}),
      ...(deps.readAttachment ? { readAttachment: deps.readAttachment } : {}),
    });
    const accounts = new AccountService(db);
    const complaintAlerts = new ComplaintAlertsRepository(db);

    /** The case of the URL and the session, when the account may see it; answers 404/403 otherwise. */
    async function open(req: Request, res: Response) {
      const session = await kit.requireSession(req, res);
      if (!session) return null;
      const ref = normalizeReference(String(req.params.ref ?? ''));
      const found = ref ? await cases.find(ref) : null;
      if (!found) {
        const ctx = kit.view(req, res, session);
        kit.page(res, errorPage(ctx, translator.t('console:case.notFound', ctx.lang)), 404);
        return null;
      }
      if (!canSeeCase(session.account, found.scope)) {
        kit.forbidden(req, res, session);
        return null;
      }
      return { session, ...found };
    }

    const back = (res: Response, ref: string, flash: string) =>
      res.redirect(303, `/staff/cases/${ref}?flash=${encodeURIComponent(flash)}`);

    router.get('/staff/cases/:ref', async (req, res) => {
      const c = await open(req, res);
      if (!c) return;
      const { session, record, scope } = c;
      await kit.audit(session, 'case.view', record.kind, record.ref);
      if (record.kind === 'complaint') await complaintAlerts.markSeen(record.ref, kit.clock());
      const [documents, history, transcript, attestation, verifications, notes, all] = await Promise.all([
        cases.documents(record),
        cases.repo.history(record),
        cases.repo.transcript(record.beneficiaryId),
        cases.repo.attestation(record),
        cases.repo.verifications(record.ref),
        cases.repo.notes(record.ref),
        accounts.repo.list(),
      ]);
      const category = record.kind === 'complaint' ? profile.complaintCategories.find((x) => x.id === record.topic) : undefined;
      const compensation = category?.compensation ? await cases.repo.compensationSteps(record.ref) : null;
      const ctx = kit.view(req, res, session);
      const code = typeof req.query.flash === 'string' ? req.query.flash : '';
      const flash = (FLASHES as readonly string[]).includes(code)
        ? { text: translator.t(`console:case.flash.${code}`, ctx.lang), error: false }
        : (ERRORS as readonly string[]).includes(code)
          ? { text: translator.t(`console:case.flash.${code}`, ctx.lang), error: true }
          : undefined;
      kit.page(
        res,
        casePage(ctx, {
          record,
          unmasked: true,
          documents,
          history,
          transcript,
          attestation,
          verifications,
          notes,
          compensation,
          assignedTo: all.find((a) => a.id === scope.assignedTo) ?? null,
          decisions: canDecide(session.account, scope) ? cases.allowed(record) : [],
          canWork: canWork(session.account, scope),
          reassignTo: isManager(session.account) ? all.filter((a) => !a.disabled && a.role !== 'admin') : [],
          ...(flash ? { flash } : {}),
        }),
      );
    });

    router.get('/staff/cases/:ref/documents/:n', async (req, res) => {
      const c = await open(req, res);
      if (!c) return;
      const docs = await cases.documents(c.record);
      const doc = docs.find((d) => String(d.n) === req.params.n);
      const bytes = doc ? await cases.readDocument(doc) : null;
      if (!doc || !bytes) {
        res.status(404).type('text').send('not found');
        return;
      }
      const download = req.query.download === '1';
      await kit.audit(c.session, 'document.view', c.record.kind, c.record.ref, { document: doc.n, source: doc.source, download });
      // Never executable in the page: its own type, no sniffing, a sandboxing CSP, and images only
      // inline (a PDF is always downloaded, so no viewer script runs under the console's origin).
      const inline = !download && doc.contentType.startsWith('image/') && doc.contentType !== 'image/heic';
      const ext = doc.key.split('.').pop() ?? 'bin';
      res.set({
        'Content-Type': doc.contentType,
        'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${c.record.ref}-${doc.n + 1}.${ext}"`,
        'Content-Security-Policy': "default-src 'none'; img-src 'self'; sandbox",
        'X-Content-Type-Options': 'nosniff',
        'Cross-Origin-Resource-Policy': 'same-origin',
      });
      res.status(200).send(bytes);
    });

    /** A POST on a case: session, form token, access (by `need`), then the action. */
    function action(
      path: string,
      need: 'work' | 'decide' | 'manage',
      run: (req: Request, res: Response, c: NonNullable<Awaited<ReturnType<typeof open>>>) => Promise<void>,
    ) {
      router.post(`/staff/cases/:ref/${path}`, kit.form, async (req, res) => {
        const c = await open(req, res);
        if (!c) return;
        if (!kit.checkForm(req, res, c.session)) return;
        const ok =
          need === 'work'
            ? canWork(c.session.account, c.scope)
            : need === 'decide'
              ? canDecide(c.session.account, c.scope)
              : isManager(c.session.account);
        if (!ok) {
          kit.forbidden(req, res, c.session);
          return;
        }
        await run(req, res, c);
      });
    }

    action('verify', 'work', async (req, res, { session, record }) => {
      const f = field(req.body, 'field', 64);
      const result = field(req.body, 'result', 16);
      const known = fieldLines(kit.view(req, res, session), { record, documents: await cases.documents(record) }).some(
        (l) => l.id === f,
      );
      if (!known || (result !== 'matched' && result !== 'mismatch')) return back(res, record.ref, 'badInput');
      await cases.verify(record, session.account, f, result, field(req.body, 'note', 500) || null, kit.clock());
      back(res, record.ref, 'verified');
    });

    action('notes', 'work', async (req, res, { session, record }) => {
      const text = field(req.body, 'text', 4000);
      if (!text) return back(res, record.ref, 'badInput');
      await cases.note(record, session.account, text, kit.clock());
      back(res, record.ref, 'noted');
    });

    async function decide(
      res: Response,
      session: StaffSession,
      record: Parameters<CaseService['decide']>[0],
      decision: Decision,
      note: string,
      flash: string,
    ) {
      const out = await cases.decide(record, session.account, decision, note || undefined, kit.clock());
      kit.deps.onCommitted?.();
      if (out.outcome === 'accepted') back(res, record.ref, flash);
      else back(res, record.ref, out.outcome === 'notAllowed' ? 'conflict' : 'badInput');
    }

    action('decision', 'decide', async (req, res, { session, record }) => {
      const decision = field(req.body, 'decision', 32) as Decision;
      if (!cases.allowed(record).includes(decision) || decision === 'needs_info') return back(res, record.ref, 'conflict');
      await decide(res, session, record, decision, field(req.body, 'note', 2000), 'decided');
    });

    // R3h: ask for missing information, naming it; the person is told through the decisions path.
    action('needs-info', 'work', async (req, res, { session, record }) => {
      const ctx = kit.view(req, res, session);
      const picked = ([] as unknown[])
        .concat((req.body as Record<string, unknown>)?.missing ?? [])
        .filter((x): x is string => typeof x === 'string');
      const lines = fieldLines(ctx, { record, documents: await cases.documents(record) });
      // The person reads the names in their own language.
      const personLang = record.language === 'en' ? 'en' : 'ar';
      const personLines = fieldLines({ ...ctx, lang: personLang }, { record, documents: [] });
      const names = picked.map((id) => personLines.find((l) => l.id === id)?.label).filter((x): x is string => Boolean(x));
      const text = field(req.body, 'text', 1000);
      if ((!names.length && !text) || picked.some((id) => !lines.some((l) => l.id === id)))
        return back(res, record.ref, 'badInput');
      const note = [
        names.length
          ? translator.t('console:case.missingList', personLang, { list: names.join(personLang === 'ar' ? '، ' : ', ') })
          : '',
        text,
      ]
        .filter(Boolean)
        .join('\n');
      if (!cases.allowed(record).includes('needs_info')) return back(res, record.ref, 'conflict');
      await decide(res, session, record, 'needs_info', note, 'asked');
    });

    action('reassign', 'manage', async (req, res, { session, record }) => {
      const to = await accounts.repo.byLogin(field(req.body, 'login', 64).toLowerCase());
      if (!to || to.disabled || to.role === 'admin') return back(res, record.ref, 'badInput');
      await cases.reassign(record, session.account, to, kit.clock());
      back(res, record.ref, 'reassigned');
    });

    // 002 (ثـ): investigation record, ruling, negotiation, settlement; the settlement tells the person.
    action('compensation', 'work', async (req, res, { session, record, scope }) => {
      const category = profile.complaintCategories.find((x) => x.id === record.topic);
      const step = field(req.body, 'step', 32) as CompensationStep;
      if (record.kind !== 'complaint' || !category?.compensation || !COMPENSATION_STEPS.includes(step))
        return back(res, record.ref, 'badInput');
      const date = field(req.body, 'date', 10);
      const summary = field(req.body, 'summary', 2000);
      const money = (name: string) => {
        const v = field(req.body, name, 20)
          .replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d)))
          .replace(/[,٬]/g, '');
        return v && /^\d+(\.\d{1,2})?$/.test(v) ? Number(v) : null;
      };
      const at = kit.clock();
      if (step === 'investigation') {
        const finding = field(req.body, 'finding', 16);
        const approvedBy = field(req.body, 'approvedBy', 200);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !approvedBy || !summary || (finding !== 'caused' && finding !== 'not_caused'))
          return back(res, record.ref, 'badInput');
        await cases.compensationStep(record, session.account, step, { date, approvedBy, finding, summary }, at);
        return back(res, record.ref, 'stepSaved');
      }
      if (step === 'ruling') {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !summary) return back(res, record.ref, 'badInput');
        await cases.compensationStep(record, session.account, step, { date, summary }, at);
        return back(res, record.ref, 'stepSaved');
      }
      if (step === 'negotiation') {
        if (!summary) return back(res, record.ref, 'badInput');
        const offer = money('offer');
        await cases.compensationStep(record, session.account, step, { summary, ...(offer !== null ? { offer } : {}) }, at);
        return back(res, record.ref, 'stepSaved');
      }
      // Settlement: the outcome is recorded and the person is told, through the decisions path.
      if (!canDecide(session.account, scope)) {
        kit.forbidden(req, res, session);
        return;
      }
      const outcome = field(req.body, 'outcome', 16);
      const amount = money('amount');
      const message = field(req.body, 'message', 1500);
      if (!['amount', 'amicable', 'none'].includes(outcome) || !message || (outcome === 'amount' && amount === null))
        return back(res, record.ref, 'badInput');
      const decision: Decision = outcome === 'none' ? 'rejected' : 'resolved';
      if (!cases.allowed(record).includes(decision)) return back(res, record.ref, 'conflict');
      await cases.compensationStep(
        record,
        session.account,
        'settlement',
        { outcome, ...(amount !== null ? { amount } : {}), message, told: true },
        at,
      );
      await decide(res, session, record, decision, message, 'settled');
    });
  };
}
