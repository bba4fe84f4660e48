/**
 * The reports page (issue 13): each report as a chart (Chart.js, drawn by /staff/assets/reports.js
 * from the figures embedded as JSON) and as a table of the same figures, with its CSV export.
 */
import { CASE_STATUSES } from '../domain/case-lifecycle.js';
import { html, layout, Raw, type ViewContext } from './console.views.js';
import type { Reports, SatisfactionRow } from './reports.js';

function tr(ctx: ViewContext, key: string, params?: Record<string, string | number>): string {
  return ctx.translator.t(`console:reports.${key}`, ctx.lang, params);
}

function num(ctx: ViewContext, n: number | null, digits = 1): string {
  if (n === null) return '—';
  return new Intl.NumberFormat(ctx.lang === 'ar' ? 'ar-SA' : 'en-US', { maximumFractionDigits: digits }).format(n);
}

/** A chart the page's script draws. */
interface ChartSpec {
  id: string;
  type: 'bar';
  labels: string[];
  datasets: { label: string; data: number[]; color?: string }[];
  stacked?: boolean;
  horizontal?: boolean;
  max?: number;
}

const COMPLAINT_STATUSES = CASE_STATUSES.complaint;

/** The reports page. */
export function reportsPage(ctx: ViewContext, r: Reports, period: { from: string; to: string }): string {
  const statusName = (s: string) =>
    ctx.translator.has(`status:state.${s}`, ctx.lang) ? ctx.translator.t(`status:state.${s}`, ctx.lang) : s;
  const csv = (name: string) =>
    html`<a class="csv" href="${`/staff/reports/export.csv?report=${name}&from=${period.from}&to=${period.to}`}">${tr(ctx, 'csv')}</a>`;
  const charts: ChartSpec[] = [];
  const chart = (spec: ChartSpec) => {
    charts.push(spec);
    return html`<div class="chart-box"><canvas id="${spec.id}" role="img" aria-label="${spec.datasets.map((d) => d.label).join(' / ')}"></canvas></div>`;
  };
  const satTable = (rows: SatisfactionRow[], first: string) =>
    html`<table><thead><tr><th>${tr(ctx, `col.${first}`)}</th><th>${tr(ctx, 'col.count')}</th><th>${tr(ctx, 'col.rating')}</th><th>${tr(ctx, 'col.csat')}</th></tr></thead><tbody>${rows.map(
      (x) =>
        html`<tr><td>${x.label}</td><td>${num(ctx, x.count, 0)}</td><td>${num(ctx, x.average, 2)}</td><td>${num(ctx, x.csat)}٪</td></tr>`,
    )}</tbody></table>`;
  const section = (id: string, title: string, body: Raw) =>
    html`<section class="card report" id="${id}"><h3>${title}</h3>${body}</section>`;
  const empty = (rows: unknown[]) => (rows.length ? '' : html`<p class="hint">${tr(ctx, 'none')}</p>`);

  const months = section(
    'r-months',
    tr(ctx, 'months'),
    html`${empty(r.byMonth)}${chart({ id: 'chart-months', type: 'bar', labels: r.byMonth.map((x) => x.label), datasets: [{ label: tr(ctx, 'col.csat'), data: r.byMonth.map((x) => x.csat) }], max: 100 })}${satTable(r.byMonth, 'month')}${csv('months')}`,
  );
  const services = section(
    'r-services',
    tr(ctx, 'services'),
    html`${empty(r.byService)}${chart({ id: 'chart-services', type: 'bar', horizontal: true, labels: r.byService.map((x) => x.label), datasets: [{ label: tr(ctx, 'col.rating'), data: r.byService.map((x) => x.average) }], max: 5 })}${satTable(r.byService, 'service')}${csv('services')}`,
  );
  const questions = section(
    'r-questions',
    tr(ctx, 'questions'),
    html`<p class="hint">${tr(ctx, 'questionsHint')}</p>${satTable(r.byQuestion, 'question')}${csv('questions')}`,
  );
  const committees = section(
    'r-committees',
    tr(ctx, 'committees'),
    html`<p class="hint">${tr(ctx, 'committeesHint')}</p>${chart({
      id: 'chart-committees',
      type: 'bar',
      stacked: true,
      labels: r.committees.map((c) => c.label),
      datasets: [
        { label: tr(ctx, 'col.onTime'), data: r.committees.map((c) => c.onTime), color: '#0f5c4d' },
        { label: tr(ctx, 'col.late'), data: r.committees.map((c) => c.late), color: '#b33a3a' },
        { label: tr(ctx, 'col.overdueOpen'), data: r.committees.map((c) => c.overdueOpen), color: '#e07b39' },
        { label: tr(ctx, 'col.beforeMinimum'), data: r.committees.map((c) => c.beforeMinimum), color: '#c9a227' },
        { label: tr(ctx, 'col.open'), data: r.committees.map((c) => c.open), color: '#9aa5b1' },
      ],
    })}<table><thead><tr><th>${tr(ctx, 'col.committee')}</th><th>${tr(ctx, 'col.bound')}</th><th>${tr(ctx, 'col.onTime')}</th><th>${tr(ctx, 'col.late')}</th><th>${tr(ctx, 'col.overdueOpen')}</th><th>${tr(ctx, 'col.beforeMinimum')}</th><th>${tr(ctx, 'col.open')}</th></tr></thead><tbody>${r.committees.map(
      (c) =>
        html`<tr data-committee="${c.key}"><td>${c.label}</td><td>${tr(ctx, `bound.${c.bound}`)}</td><td>${num(ctx, c.onTime, 0)}</td><td>${num(ctx, c.late, 0)}</td><td>${num(ctx, c.overdueOpen, 0)}</td><td>${num(ctx, c.beforeMinimum, 0)}</td><td>${num(ctx, c.open, 0)}</td></tr>`,
    )}</tbody></table>${csv('committees')}`,
  );
  const complaints = section(
    'r-complaints',
    tr(ctx, 'complaints'),
    html`${chart({
      id: 'chart-complaints',
      type: 'bar',
      stacked: true,
      labels: r.complaints.map((c) => c.label),
      datasets: COMPLAINT_STATUSES.map((s) => ({ label: statusName(s), data: r.complaints.map((c) => c.byStatus[s] ?? 0) })),
    })}<table><thead><tr><th>${tr(ctx, 'col.category')}</th><th>${tr(ctx, 'col.total')}</th>${COMPLAINT_STATUSES.map((s) => html`<th>${statusName(s)}</th>`)}</tr></thead><tbody>${r.complaints.map(
      (c) =>
        html`<tr data-category="${c.key}"><td>${c.label}</td><td>${num(ctx, c.total, 0)}</td>${COMPLAINT_STATUSES.map((s) => html`<td>${num(ctx, c.byStatus[s] ?? 0, 0)}</td>`)}</tr>`,
    )}</tbody></table>${csv('complaints')}`,
  );
  const inquiries = section(
    'r-inquiries',
    tr(ctx, 'inquiries'),
    html`<p class="hint">${tr(ctx, 'inquiriesHint')}</p>${empty(r.inquiries)}${chart({
      id: 'chart-inquiries',
      type: 'bar',
      horizontal: true,
      labels: r.inquiries.map((x) => x.label),
      datasets: [
        { label: tr(ctx, 'col.handedOver'), data: r.inquiries.map((x) => x.handedOver) },
        { label: tr(ctx, 'col.unanswered'), data: r.inquiries.map((x) => x.unanswered), color: '#b33a3a' },
      ],
    })}<table><thead><tr><th>${tr(ctx, 'col.topic')}</th><th>${tr(ctx, 'col.handedOver')}</th><th>${tr(ctx, 'col.unanswered')}</th></tr></thead><tbody>${r.inquiries.map(
      (x) => html`<tr><td>${x.label}</td><td>${num(ctx, x.handedOver, 0)}</td><td>${num(ctx, x.unanswered, 0)}</td></tr>`,
    )}</tbody></table>${csv('inquiries')}`,
  );
  const claims = section(
    'r-claims',
    tr(ctx, 'claims'),
    html`${empty(r.claims)}${chart({
      id: 'chart-claims',
      type: 'bar',
      labels: r.claims.map((c) => c.label),
      datasets: [{ label: tr(ctx, 'col.median'), data: r.claims.map((c) => c.median ?? 0) }],
    })}<table><thead><tr><th>${tr(ctx, 'col.officer')}</th><th>${tr(ctx, 'col.handoffs')}</th><th>${tr(ctx, 'col.claimed')}</th><th>${tr(ctx, 'col.median')}</th><th>${tr(ctx, 'col.average')}</th></tr></thead><tbody>${r.claims.map(
      (c) =>
        html`<tr><td>${c.label}</td><td>${num(ctx, c.handoffs, 0)}</td><td>${num(ctx, c.claimed, 0)}</td><td>${num(ctx, c.median)}</td><td>${num(ctx, c.average)}</td></tr>`,
    )}</tbody></table>${csv('claims')}`,
  );
  // The figures for the charts, as data (a JSON block is never executed); '<' escaped so that no
  // text can close the element.
  const json = JSON.stringify({ charts }).replace(/</g, '\\u003c');
  const body = html`<h2>${tr(ctx, 'title')}</h2>
<form class="filters" method="get" action="/staff/reports"><div><label for="from">${tr(ctx, 'from')}</label><input type="date" id="from" name="from" value="${period.from}"></div>
<div><label for="to">${tr(ctx, 'to')}</label><input type="date" id="to" name="to" value="${period.to}"></div><button type="submit">${tr(ctx, 'show')}</button></form>
${months}${services}${questions}${committees}${complaints}${inquiries}${claims}
<script type="application/json" id="report-data">${new Raw(json)}</script>
<script src="/staff/assets/chart.umd.min.js"></script><script src="/staff/assets/reports.js"></script>`;
  return layout(ctx, tr(ctx, 'title'), body);
}
