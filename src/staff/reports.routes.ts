/**
 * The reports page of the staff console (issue 13; R8; 002 د, 004), for managers: satisfaction by
 * period, service and question; answers on time and late per committee (a maximum can be late, a
 * minimum cannot); complaints by category and outcome; inquiries handed to staff by topic and
 * those the bot could not answer; time to claim a handoff. Charts are drawn by Chart.js, served
 * from the app's own node_modules (no CDN); every report exports as CSV. Views are audited.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Request, Response, Router } from 'express';
import { StaffReportsRepository } from '../db/staff-reports.repository.js';
import { CASE_STATUSES } from '../domain/case-lifecycle.js';
import { isManager } from './access.js';
import type { StaffSession } from './console.auth.js';
import type { ConsoleKit } from './console.routes.js';
import { computeReports, type Reports, toCsv } from './reports.js';
import { reportsPage } from './reports.views.js';

/** Chart.js's browser build, from node_modules (its package exports do not name the file). */
const CHART_JS = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
const REPORTS_JS = path.resolve(import.meta.dirname, 'assets/reports.js');

/** The reports a CSV export can name. */
export const REPORT_NAMES = ['months', 'services', 'questions', 'committees', 'complaints', 'inquiries', 'claims'] as const;

function day(v: unknown): Date | null {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))
    ? new Date(`${v}T00:00:00Z`)
    : null;
}

/** Adds the reports routes to the console. */
export function reportRoutes(router: Router, kit: ConsoleKit): void {
  const { db, profile, translator } = kit.deps;
  const repo = new StaffReportsRepository(db);
  let chartJs: Buffer | null = null;

  router.get('/staff/assets/chart.umd.min.js', (_req, res) => {
    chartJs ??= readFileSync(CHART_JS);
    res.set('Cache-Control', 'public, max-age=86400').type('application/javascript').send(chartJs);
  });
  router.get('/staff/assets/reports.js', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('application/javascript').send(readFileSync(REPORTS_JS));
  });

  /** The period of the query (default: the last twelve months), and the reports of it. */
  async function load(
    req: Request,
    res: Response,
  ): Promise<{ reports: Reports; from: string; to: string; session: StaffSession } | null> {
    const session = await kit.requireSession(req, res);
    if (!session) return null;
    if (!isManager(session.account)) {
      kit.forbidden(req, res, session);
      return null;
    }
    const now = kit.clock();
    const to = day(req.query.to) ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const from = day(req.query.from) ?? new Date(Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), to.getUTCDate()));
    const end = new Date(to.getTime() + 86_400_000); // the "to" day included
    const lang = kit.view(req, res, session).lang;
    const [ratings, cases, handoffs] = await Promise.all([
      repo.ratings(from, end),
      repo.cases(from, end),
      repo.handoffs(from, end),
    ]);
    const reports = computeReports(profile, lang, { from, to: end, now, ratings, cases, handoffs });
    await kit.audit(
      session,
      req.path.endsWith('.csv') ? 'report.export' : 'report.view',
      'report',
      String(req.query.report ?? 'all'),
    );
    return { reports, from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10), session };
  }

  router.get('/staff/reports', async (req, res) => {
    const r = await load(req, res);
    if (!r) return;
    kit.page(res, reportsPage(kit.view(req, res, r.session), r.reports, { from: r.from, to: r.to }));
  });

  router.get('/staff/reports/export.csv', async (req, res) => {
    const name = String(req.query.report ?? '');
    if (!(REPORT_NAMES as readonly string[]).includes(name)) {
      res
        .status(400)
        .type('text')
        .send(`report must be one of: ${REPORT_NAMES.join(', ')}`);
      return;
    }
    const r = await load(req, res);
    if (!r) return;
    const lang = kit.view(req, res, null).lang;
    const h = (k: string) => translator.t(`console:reports.col.${k}`, lang);
    const rep = r.reports;
    const sat = (rows: Reports['byMonth']) => rows.map((x) => [x.label, x.count, x.average, x.csat]);
    const tables: Record<(typeof REPORT_NAMES)[number], [string[], (string | number | null)[][]]> = {
      months: [[h('month'), h('count'), h('rating'), h('csat')], sat(rep.byMonth)],
      services: [[h('service'), h('count'), h('rating'), h('csat')], sat(rep.byService)],
      questions: [[h('question'), h('count'), h('rating'), h('csat')], sat(rep.byQuestion)],
      committees: [
        [h('committee'), h('bound'), h('onTime'), h('late'), h('overdueOpen'), h('beforeMinimum'), h('open')],
        rep.committees.map((c) => [c.label, c.bound, c.onTime, c.late, c.overdueOpen, c.beforeMinimum, c.open]),
      ],
      complaints: [
        [h('category'), h('total'), ...STATUSES.map((s) => s)],
        rep.complaints.map((c) => [c.label, c.total, ...STATUSES.map((s) => c.byStatus[s] ?? 0)]),
      ],
      inquiries: [
        [h('topic'), h('handedOver'), h('unanswered')],
        rep.inquiries.map((x) => [x.label, x.handedOver, x.unanswered]),
      ],
      claims: [
        [h('officer'), h('handoffs'), h('claimed'), h('median'), h('average')],
        rep.claims.map((c) => [c.label, c.handoffs, c.claimed, c.median, c.average]),
      ],
    };
    const [header, rows] = tables[name as (typeof REPORT_NAMES)[number]];
    res
      .status(200)
      .set('Content-Disposition', `attachment; filename="report-${name}-${r.from}-${r.to}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(toCsv(header, rows));
  });
}

/** Complaint outcomes in the CSV's columns. */
const STATUSES = CASE_STATUSES.complaint;
