/**
 * The staff console's pages, rendered on the server as plain HTML: Arabic and right-to-left by
 * default, English on request, no script, every string from `locales/<lang>/console.json`. Every
 * value is escaped by the {@link html} template unless it is {@link Raw} markup built here.
 */
import { createHash } from 'node:crypto';
import { formatDate } from '../domain/calendar.js';
import { CASE_STATUSES } from '../domain/case-lifecycle.js';
import type { Profile } from '../domain/profile.js';
import type { Lang } from '../domain/text.js';
import { summaryLine } from '../engine/alert-text.js';
import type { Translator } from '../i18n.js';
import { type StaffAccount, staffIdOf } from './accounts.js';
import type { CaseListRow, CasePage } from './cases.query.js';
import type { ConversationItem, HandoffView } from './handoff.service.js';
import { MAX_REPLY_CHARS } from './handoff.service.js';
import { maskPersonalData } from './redact.js';
import { distributionChartSvg, type SatisfactionFigures } from './satisfaction.js';

/** Markup that is already safe. */
export class Raw {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

type Part = string | number | Raw | null | undefined | false | readonly Part[];

/** Escapes text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function part(v: Part): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Raw) return v.html;
  if (Array.isArray(v)) return v.map(part).join('');
  return esc(String(v));
}

/** The HTML template tag: interpolated values are escaped, {@link Raw} and arrays of them are not. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += part(v) + (strings[i + 1] ?? '');
  });
  return new Raw(out);
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Naskh Arabic","Noto Sans Arabic",Tahoma,"Segoe UI",Arial,sans-serif;background:#f4f6f8;color:#1d2630;line-height:1.6}
header{background:#0f5c4d;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center}
header h1{font-size:1.15rem;margin:0}
header nav{display:flex;flex-wrap:wrap;gap:.2rem .9rem;flex:1}
header a{color:#fff}
header a[aria-current=page]{font-weight:bold;text-decoration:underline 2px}
header form{margin:0}
header .who{opacity:.85;font-size:.9rem}
main{max-width:1100px;margin:0 auto;padding:1rem}
h2{font-size:1.3rem;margin:.4rem 0 1rem}
h3{font-size:1.05rem;margin:.2rem 0 .6rem}
.card{background:#fff;border:1px solid #d9dee3;border-radius:8px;padding:1rem;margin-bottom:1rem}
.flash{background:#e8f5ee;border:1px solid #9fd3b5;border-radius:6px;padding:.6rem .9rem;margin-bottom:1rem}
.flash.error{background:#fdecea;border-color:#f0a9a0}
.badge{display:inline-block;border-radius:999px;padding:0 .6rem;font-size:.85rem;background:#e6e9ec}
.badge.open{background:#fff2cc}.badge.claimed{background:#d8ecff}.badge.overdue{background:#fdd;color:#900}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .9rem;margin:.4rem 0}
dt{color:#55606b}dd{margin:0}
button,input[type=submit]{font:inherit;border:0;border-radius:6px;padding:.45rem 1rem;background:#0f5c4d;color:#fff;cursor:pointer}
button.secondary{background:#55606b}
textarea,input[type=text],input[type=password],select{font:inherit;width:100%;padding:.45rem;border:1px solid #b8c0c8;border-radius:6px;background:#fff}
label{display:block;margin:.6rem 0 .2rem;font-weight:bold}
.hint{color:#55606b;font-size:.9rem}
.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin-top:.6rem;align-items:flex-end}
.actions form{margin:0}
.reply{flex:1 1 22rem}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{border-bottom:1px solid #e3e7eb;padding:.4rem .5rem;text-align:start;vertical-align:top}
th{background:#eef1f4;font-weight:bold}
td.ltr,span.ltr{direction:ltr;unicode-bidi:isolate}
.log{list-style:none;padding:0;margin:.4rem 0;max-height:22rem;overflow:auto;border:1px solid #e3e7eb;border-radius:6px;display:flex;flex-direction:column-reverse}
.log li{padding:.35rem .6rem;border-bottom:1px solid #eef1f4;white-space:pre-wrap}
.log li.person{background:#f7fbff}
.log .from{font-weight:bold;color:#0f5c4d}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.8rem;margin-bottom:1rem}
.figure{background:#fff;border:1px solid #d9dee3;border-radius:8px;padding:.8rem}
.figure .n{font-size:1.7rem;font-weight:bold}
.chart{max-width:100%;height:auto;background:#fff}
.pager{display:flex;gap:1rem;margin:.8rem 0;align-items:center}
.filters{display:flex;gap:.6rem;align-items:flex-end;margin-bottom:.8rem}
.filters select{width:auto}
.signin{max-width:26rem;margin:3rem auto}
.chart-box{position:relative;height:18rem;margin:.6rem 0}
.report table{margin:.6rem 0;font-size:.92rem}
.report{overflow-x:auto}
.filters input[type=date]{font:inherit;padding:.35rem;border:1px solid #b8c0c8;border-radius:6px}
.pre{white-space:pre-wrap;overflow-wrap:anywhere}
form.inline{display:inline-flex;gap:.3rem;margin:.2rem 0 0;flex-wrap:wrap}
form.inline button{padding:.2rem .6rem;font-size:.85rem}
label.check{font-weight:normal;display:flex;gap:.4rem;align-items:center;margin:.2rem 0}
label.check input{width:auto}
fieldset{border:1px solid #d9dee3;border-radius:6px;margin:.6rem 0}
h4{margin:.8rem 0 .2rem}
blockquote{margin:.4rem 0;padding:.4rem .8rem;border-inline-start:4px solid #0f5c4d;background:#f7fbff}
table.fields th{width:28%}
#actions form{border-top:1px solid #eef1f4;padding-top:.4rem;margin-top:.4rem}
@media (max-width:640px){table.fields th,table.fields td{display:block;width:auto}main{padding:.5rem}.card{padding:.7rem}}
`;

/** The hash of the stylesheet, for the Content-Security-Policy (no inline style is allowed otherwise). */
export const CSS_HASH = `sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}`;

/** What every page needs. */
export interface ViewContext {
  lang: Lang;
  translator: Translator;
  profile: Profile;
  /** The signed-in staff member's account, when signed in. */
  staff: StaffAccount | null;
  /** The form token of the session, when signed in. */
  formToken: string | null;
  /** The page's path (for the language switch and the current link). */
  path: string;
  now: Date;
}

function tr(ctx: ViewContext, key: string, params?: Record<string, string | number>): string {
  return ctx.translator.t(`console:${key}`, ctx.lang, params);
}

/** A date and time as staff read them, in the association's time zone. */
export function dateTime(d: Date, ctx: ViewContext): string {
  const day = formatDate(d, ctx.lang, ctx.profile.timezone).gregorian;
  const time = d.toLocaleTimeString(ctx.lang === 'ar' ? 'ar-SA' : 'en-GB', {
    timeZone: ctx.profile.timezone,
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${day} ${time}`;
}

function dateOnly(d: Date, ctx: ViewContext): string {
  return formatDate(d, ctx.lang, ctx.profile.timezone).gregorian;
}

function number(n: number, ctx: ViewContext, digits = 0): string {
  return new Intl.NumberFormat(ctx.lang === 'ar' ? 'ar-SA' : 'en-US', { maximumFractionDigits: digits }).format(n);
}

function percent(p: number, ctx: ViewContext): string {
  return new Intl.NumberFormat(ctx.lang === 'ar' ? 'ar-SA' : 'en-US', { style: 'percent', maximumFractionDigits: 1 }).format(
    p / 100,
  );
}

function hiddenToken(ctx: ViewContext): Raw {
  return html`<input type="hidden" name="_token" value="${ctx.formToken ?? ''}">`;
}

/** The page frame: language and direction, the navigation, the language switch. */
export function layout(ctx: ViewContext, title: string, body: Raw): string {
  const dir = ctx.lang === 'ar' ? 'rtl' : 'ltr';
  const other = ctx.lang === 'ar' ? 'en' : 'ar';
  const link = (path: string, key: string) =>
    html`<a href="${path}"${ctx.path === path ? new Raw(' aria-current="page"') : ''}>${tr(ctx, key)}</a>`;
  const staff = ctx.staff;
  const nav = staff
    ? html`<nav>${staff.role !== 'admin' ? [link('/staff/handoffs', 'nav.handoffs'), link('/staff/requests', 'nav.requests'), link('/staff/complaints', 'nav.complaints')] : ''}${staff.role === 'manager' ? [link('/staff/reports', 'nav.reports'), link('/staff/satisfaction', 'nav.satisfaction')] : ''}${staff.role === 'admin' ? link('/staff/accounts', 'nav.accounts') : ''}</nav>
<span class="who">${tr(ctx, 'nav.signedInAs', { staff: staff.name, role: tr(ctx, `roles.${staff.role}`) })}</span>
<form method="post" action="/staff/signout">${hiddenToken(ctx)}<button class="secondary" type="submit">${tr(ctx, 'nav.signout')}</button></form>`
    : html`<nav></nav>`;
  return `<!doctype html>${html`<html lang="${ctx.lang}" dir="${dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${tr(ctx, 'title')}</title><style>${new Raw(CSS)}</style></head>
<body><header><h1>${ctx.profile.name[ctx.lang]} · ${tr(ctx, 'title')}</h1>${nav}
<a href="${`${ctx.path}?lang=${other}`}" lang="${other}" hreflang="${other}" id="switch-lang">${tr(ctx, 'switchLanguage')}</a></header>
<main>${body}</main></body></html>`}`;
}

/** What the sign-in page shows besides the form. */
export interface SigninOptions {
  error?: string;
  notice?: string;
  login?: string;
  /** No account exists yet: say how to create the first one. */
  noAccounts?: boolean;
}

/** The sign-in page (login and password), with an error or a notice. */
export function signinPage(ctx: ViewContext, o: SigninOptions = {}): string {
  const body = html`<section class="card signin"><h2>${tr(ctx, 'signin.title')}</h2>
${o.error ? html`<p class="flash error" role="alert">${o.error}</p>` : ''}
${o.notice ? html`<p class="flash" role="status">${o.notice}</p>` : ''}
${o.noAccounts ? html`<p class="hint" id="no-accounts">${tr(ctx, 'signin.noAccounts')}</p><pre dir="ltr">npm run cli -- staff add --name "…" --role admin</pre>` : ''}
<form method="post" action="/staff/signin">
<label for="login">${tr(ctx, 'signin.login')}</label>
<input type="text" id="login" name="login" value="${o.login ?? ''}" required autocomplete="username" autocapitalize="none" dir="ltr">
<label for="password">${tr(ctx, 'signin.password')}</label>
<input type="password" id="password" name="password" required autocomplete="current-password" dir="ltr">
<div class="actions"><button type="submit">${tr(ctx, 'signin.submit')}</button></div>
</form></section>`;
  return layout(ctx, tr(ctx, 'signin.title'), body);
}

/** The page of a one-time sign-in link: choose a password. */
export function setupPage(ctx: ViewContext, o: { token: string; login: string; name: string; error?: string }): string {
  const body = html`<section class="card signin"><h2>${tr(ctx, 'setup.title')}</h2>
<p>${tr(ctx, 'setup.intro', { name: o.name })}</p>
<dl><dt>${tr(ctx, 'signin.login')}</dt><dd class="ltr" id="setup-login">${o.login}</dd></dl>
${o.error ? html`<p class="flash error" role="alert">${o.error}</p>` : ''}
<form method="post" action="/staff/setup"><input type="hidden" name="token" value="${o.token}">
<input type="text" name="username" value="${o.login}" autocomplete="username" hidden>
<label for="password">${tr(ctx, 'setup.password')}</label>
<input type="password" id="password" name="password" required minlength="10" autocomplete="new-password" dir="ltr">
<p class="hint">${tr(ctx, 'setup.hint')}</p>
<label for="confirm">${tr(ctx, 'setup.confirm')}</label>
<input type="password" id="confirm" name="confirm" required minlength="10" autocomplete="new-password" dir="ltr">
<div class="actions"><button type="submit">${tr(ctx, 'setup.submit')}</button></div>
</form></section>`;
  return layout(ctx, tr(ctx, 'setup.title'), body);
}

/** The page of a refused access (403). */
export function forbiddenPage(ctx: ViewContext): string {
  return layout(
    ctx,
    tr(ctx, 'forbidden.title'),
    html`<section class="card" id="forbidden"><h2>${tr(ctx, 'forbidden.title')}</h2><p>${tr(ctx, 'forbidden.body')}</p></section>`,
  );
}

/** The accounts (admin): who, role, scope, Telegram link; changes are made with the CLI. */
export function accountsPage(ctx: ViewContext, accounts: StaffAccount[]): string {
  const body = html`<h2>${tr(ctx, 'accounts.title')}</h2><p class="hint">${tr(ctx, 'accounts.hint')}</p>
<table class="accounts"><thead><tr><th>${tr(ctx, 'accounts.name')}</th><th>${tr(ctx, 'signin.login')}</th><th>${tr(ctx, 'accounts.role')}</th><th>${tr(ctx, 'accounts.scope')}</th><th>${tr(ctx, 'accounts.telegram')}</th><th>${tr(ctx, 'accounts.state')}</th></tr></thead><tbody>
${accounts.map(
  (a) =>
    html`<tr data-login="${a.login}"><td>${a.name}</td><td class="ltr">${a.login}</td><td>${tr(ctx, `roles.${a.role}`)}</td><td class="ltr">${a.scope.join(', ') || '—'}</td><td>${a.telegramUserId ? tr(ctx, 'accounts.linked') : '—'}</td><td>${a.disabled ? tr(ctx, 'accounts.disabled') : a.hasPassword ? tr(ctx, 'accounts.active') : tr(ctx, 'accounts.pending')}</td></tr>`,
)}</tbody></table>`;
  return layout(ctx, tr(ctx, 'accounts.title'), body);
}

/** A plain error page, with a message or the general one. */
export function errorPage(ctx: ViewContext, message?: string): string {
  return layout(
    ctx,
    tr(ctx, 'error.title'),
    html`<section class="card"><h2>${tr(ctx, 'error.title')}</h2><p class="flash error" role="alert">${message ?? tr(ctx, 'error.body')}</p></section>`,
  );
}

function channelName(ctx: ViewContext, channel: string): string {
  return ctx.translator.has(`console:channel.${channel}`, ctx.lang) ? tr(ctx, `channel.${channel}`) : channel;
}

function officerOf(ctx: ViewContext, category: string): string {
  return ctx.profile.officers.find((o) => o.categories.includes(category))?.name[ctx.lang] ?? category;
}

function reasonOf(ctx: ViewContext, reason: string): string {
  const key = `staff:reason.${reason}`;
  return ctx.translator.has(key, ctx.lang) ? ctx.translator.t(key, ctx.lang) : reason;
}

/** What the handoffs page shows. */
export interface HandoffsData {
  active: HandoffView[];
  /** Recent messages of the handoffs the viewer holds, by handoff id. */
  messages: Map<string, ConversationItem[]>;
  closed: HandoffView[];
  /** Complaints alerted at submission that nobody opened yet. */
  newComplaints?: { ref: string; category: string; alertedAt: Date }[];
  flash?: { text: string; error: boolean };
}

function handoffCard(ctx: ViewContext, h: HandoffView, messages: ConversationItem[] | undefined): Raw {
  const mine = h.status === 'claimed' && ctx.staff !== null && h.claimedBy === staffIdOf(ctx.staff.login);
  const action = (what: string) => `/staff/handoffs/${h.id}/${what}`;
  const claimedBy = h.claimedBy ? (mine ? tr(ctx, 'handoffs.you') : h.claimedBy) : null;
  const log = messages
    ? html`<h3>${tr(ctx, 'handoffs.messages')}</h3><p class="hint">${tr(ctx, 'handoffs.masked')}</p>
${
  messages.length
    ? // Newest first in the markup, shown oldest first: the box opens scrolled to the newest.
      html`<ol class="log" reversed>${[...messages]
        .reverse()
        .map(
          (m) =>
            html`<li class="${m.from}"><span class="from">${tr(ctx, m.from === 'person' ? 'handoffs.person' : 'handoffs.bot')}</span> · <small>${dateTime(m.at, ctx)}</small><br>${maskPersonalData(m.text)}</li>`,
        )}</ol>`
    : html`<p>${tr(ctx, 'handoffs.noMessages')}</p>`
}`
    : '';
  const actions =
    h.status === 'open'
      ? html`<div class="actions"><form method="post" action="${action('claim')}">${hiddenToken(ctx)}<button type="submit" name="claim">${tr(ctx, 'handoffs.claim')}</button></form></div>`
      : mine
        ? html`<div class="actions"><form class="reply" method="post" action="${action('reply')}">${hiddenToken(ctx)}
<label for="reply-${h.id}">${tr(ctx, 'handoffs.replyLabel')}</label>
<textarea id="reply-${h.id}" name="text" rows="3" required maxlength="${MAX_REPLY_CHARS}" placeholder="${tr(ctx, 'handoffs.replyPlaceholder')}"></textarea>
<div class="actions"><button type="submit">${tr(ctx, 'handoffs.reply')}</button></div></form>
<form method="post" action="${action('handback')}">${hiddenToken(ctx)}<button class="secondary" type="submit">${tr(ctx, 'handoffs.handBack')}</button></form></div>`
        : ctx.staff?.role === 'manager'
          ? html`<div class="actions"><form method="post" action="${action('takeover')}">${hiddenToken(ctx)}<button type="submit" name="takeover">${tr(ctx, 'handoffs.takeOver')}</button></form></div>`
          : '';
  return html`<article class="card handoff" id="h-${h.id}" data-case="${h.caseId}" data-status="${h.status}">
<h3>${tr(ctx, 'handoffs.case')} <span class="ltr">${h.caseId}</span> <span class="badge ${h.status}">${tr(ctx, `handoffs.status.${h.status}`)}</span></h3>
<dl>
<dt>${tr(ctx, 'handoffs.reason')}</dt><dd>${reasonOf(ctx, h.reason)}</dd>
<dt>${tr(ctx, 'handoffs.officer')}</dt><dd>${officerOf(ctx, h.category)}</dd>
<dt>${tr(ctx, 'handoffs.channel')}</dt><dd>${channelName(ctx, h.channel)}</dd>
<dt>${tr(ctx, 'handoffs.summary')}</dt><dd class="summary">${summaryLine(ctx.translator, h.summary, ctx.lang, ctx.profile)}</dd>
<dt>${tr(ctx, 'handoffs.createdAt')}</dt><dd>${dateTime(h.createdAt, ctx)}</dd>
${claimedBy ? html`<dt>${tr(ctx, 'handoffs.claimedBy')}</dt><dd class="ltr">${claimedBy}</dd>` : ''}
</dl>${log}${actions}</article>`;
}

/** The open and claimed handoffs, with actions; then the recently closed ones. */
export function handoffsPage(ctx: ViewContext, data: HandoffsData): string {
  const body = html`<h2>${tr(ctx, 'handoffs.title')}</h2>
${data.flash ? html`<p class="flash${data.flash.error ? ' error' : ''}" role="status">${data.flash.text}</p>` : ''}
${
  data.newComplaints?.length
    ? html`<section class="card" id="new-complaints" role="alert"><h3>${tr(ctx, 'complaints.new')}</h3><ul>${data.newComplaints.map(
        (c) =>
          html`<li data-ref="${c.ref}"><a href="/staff/cases/${c.ref}"><span class="ltr">${c.ref}</span></a> · ${ctx.profile.complaintCategories.find((x) => x.id === c.category)?.name[ctx.lang] ?? c.category} · <small>${dateTime(c.alertedAt, ctx)}</small></li>`,
      )}</ul></section>`
    : ''
}
${data.active.length ? data.active.map((h) => handoffCard(ctx, h, data.messages.get(h.id))) : html`<p class="card">${tr(ctx, 'handoffs.none')}</p>`}
${
  data.closed.length
    ? html`<h3>${tr(ctx, 'handoffs.recentlyClosed')}</h3><table class="closed"><thead><tr><th>${tr(ctx, 'handoffs.case')}</th><th>${tr(ctx, 'handoffs.reason')}</th><th>${tr(ctx, 'handoffs.claimedBy')}</th><th>${tr(ctx, 'handoffs.closedAt')}</th></tr></thead><tbody>
${data.closed.map((h) => html`<tr><td class="ltr">${h.caseId}</td><td>${reasonOf(ctx, h.reason)}</td><td class="ltr">${h.claimedBy ?? '—'}</td><td>${h.closedAt ? dateTime(h.closedAt, ctx) : '—'}</td></tr>`)}</tbody></table>`
    : ''
}`;
  return layout(ctx, tr(ctx, 'handoffs.title'), body);
}

/**
 * R3e: the answer time as the policy words it: "not before" a date (a minimum, never late), "by" a
 * date (a maximum), or none.
 */
function dueCell(ctx: ViewContext, r: CaseListRow): string {
  if (r.deadline.kind === 'none' || r.dueAt === null) return tr(ctx, 'cases.noDeadline');
  return tr(ctx, r.deadline.kind === 'notBefore' ? 'cases.notBefore' : 'cases.within', { date: dateOnly(r.dueAt, ctx) });
}

/** The requests or complaints list, with a status filter and pages. */
export function casesPage(ctx: ViewContext, kind: 'request' | 'complaint', data: CasePage, status: string): string {
  const title = tr(ctx, kind === 'request' ? 'requests.title' : 'complaints.title');
  const path = kind === 'request' ? '/staff/requests' : '/staff/complaints';
  const topicName = (id: string) =>
    (kind === 'request'
      ? ctx.profile.requestTypes.find((t) => t.id === id)?.name
      : ctx.profile.complaintCategories.find((c) => c.id === id)?.name)?.[ctx.lang] ?? id;
  const committeeName = (id: string) => ctx.profile.committees.find((c) => c.id === id)?.name[ctx.lang] ?? id;
  const statusName = (s: string) =>
    ctx.translator.has(`status:state.${s}`, ctx.lang) ? ctx.translator.t(`status:state.${s}`, ctx.lang) : s;
  const pageLink = (page: number) => `${path}?page=${page}${status ? `&status=${encodeURIComponent(status)}` : ''}`;
  const rows = data.rows.map((r) => {
    return html`<tr data-ref="${r.ref}"><td class="ltr"><a href="/staff/cases/${r.ref}">${r.ref}</a></td><td>${topicName(r.topic)}</td>
${kind === 'request' ? html`<td class="applicant"><span class="ltr">${r.nationalId ?? '—'}</span><br><span class="ltr">${r.mobile ?? ''}</span></td>` : ''}
<td>${channelName(ctx, r.channel)}</td><td>${statusName(r.status)}</td><td>${committeeName(r.committee)}</td>
<td>${dateOnly(r.createdAt, ctx)}</td><td>${dueCell(ctx, r)}${r.overdue ? html` <span class="badge overdue">${tr(ctx, 'cases.overdue')}</span>` : ''}</td></tr>`;
  });
  const body = html`<h2>${title}</h2>
<form class="filters" method="get" action="${path}"><div><label for="status">${tr(ctx, 'cases.status')}</label>
<select id="status" name="status"><option value="">${tr(ctx, 'cases.allStatuses')}</option>
${CASE_STATUSES[kind].map((s) => html`<option value="${s}"${s === status ? new Raw(' selected') : ''}>${statusName(s)}</option>`)}</select></div>
<button type="submit">${tr(ctx, 'cases.filter')}</button></form>
<p>${tr(ctx, 'cases.total', { total: number(data.total, ctx) })}</p>
${
  data.rows.length
    ? html`<table class="cases"><thead><tr><th>${tr(ctx, 'cases.ref')}</th><th>${tr(ctx, kind === 'request' ? 'cases.type' : 'cases.category')}</th>
${kind === 'request' ? html`<th>${tr(ctx, 'cases.applicant')}</th>` : ''}<th>${tr(ctx, 'cases.channel')}</th><th>${tr(ctx, 'cases.status')}</th>
<th>${tr(ctx, 'cases.committee')}</th><th>${tr(ctx, 'cases.submitted')}</th><th>${tr(ctx, 'cases.due')}</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="card">${tr(ctx, 'cases.none')}</p>`
}
${
  data.pages > 1
    ? html`<div class="pager">${data.page > 1 ? html`<a href="${pageLink(data.page - 1)}">${tr(ctx, 'cases.prev')}</a>` : ''}
<span>${tr(ctx, 'cases.page', { page: number(data.page, ctx), pages: number(data.pages, ctx) })}</span>
${data.page < data.pages ? html`<a href="${pageLink(data.page + 1)}">${tr(ctx, 'cases.next')}</a>` : ''}</div>`
    : ''
}`;
  return layout(ctx, title, body);
}

/** The satisfaction figures and their chart, and the complaints counts (R8). */
export function satisfactionPage(ctx: ViewContext, f: SatisfactionFigures, complaints: { total: number; open: number }): string {
  const figure = (key: string, value: string, id: string) =>
    html`<div class="figure" id="${id}"><div>${tr(ctx, key)}</div><div class="n">${value}</div></div>`;
  const dash = '—';
  const chart = distributionChartSvg(f.distribution, {
    title: tr(ctx, 'satisfaction.chartTitle'),
    score: tr(ctx, 'satisfaction.score'),
    ratings: tr(ctx, 'satisfaction.ratings'),
    format: (n) => number(n, ctx),
  });
  const body = html`<h2>${tr(ctx, 'satisfaction.title')}</h2>
<div class="figures">
${figure('satisfaction.count', number(f.count, ctx), 'fig-count')}
${figure('satisfaction.average', f.average === null ? dash : number(f.average, ctx, 2), 'fig-average')}
${figure('satisfaction.csat', f.csat === null ? dash : percent(f.csat, ctx), 'fig-csat')}
${figure('satisfaction.low', number(f.low, ctx), 'fig-low')}
${figure('satisfaction.complaints', number(complaints.total, ctx), 'fig-complaints')}
${figure('satisfaction.openComplaints', number(complaints.open, ctx), 'fig-open-complaints')}
</div>
<section class="card"><h3>${tr(ctx, 'satisfaction.distribution')}</h3>
${f.count === 0 ? html`<p>${tr(ctx, 'satisfaction.none')}</p>` : ''}${new Raw(chart)}
<table class="distribution"><thead><tr><th>${tr(ctx, 'satisfaction.score')}</th><th>${tr(ctx, 'satisfaction.ratings')}</th></tr></thead><tbody>
${f.distribution.map((n, i) => html`<tr><td>${number(i + 1, ctx)} ★</td><td>${number(n, ctx)}</td></tr>`)}</tbody></table></section>`;
  return layout(ctx, tr(ctx, 'satisfaction.title'), body);
}
