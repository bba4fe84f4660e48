/**
 * The case page of the staff console (issue 13): everything about one request or complaint on one
 * page, and the forms of the actions the account and the case's status allow. Every value the
 * person typed goes through the escaping {@link html} template, so markup in a name, a message or
 * a complaint is shown as text.
 */
import type {
  CaseRecord,
  CompensationStepRow,
  NoteRow,
  StatusEventRow,
  TranscriptRow,
  VerificationRow,
} from '../db/staff-cases.repository.js';
import { isOpen, isWatched, nextStatus } from '../domain/case-lifecycle.js';
import { isOverdue } from '../domain/deadline.js';
import type { Decision } from '../notify/messages.js';
import type { StaffAccount } from './accounts.js';
import type { CaseDocument } from './case.service.js';
import { dateTime, html, layout, type Raw, type ViewContext } from './console.views.js';
import { messageText } from './handoff.service.js';
import { maskPersonalData } from './redact.js';

/** What the case page shows. */
export interface CasePageData {
  record: CaseRecord;
  /** The form unmasked (the account may see it); otherwise masked values. */
  unmasked: boolean;
  documents: CaseDocument[];
  history: StatusEventRow[];
  transcript: TranscriptRow[];
  attestation: { language: string; text: string; acceptedAt: Date } | null;
  verifications: VerificationRow[];
  notes: NoteRow[];
  compensation: CompensationStepRow[] | null;
  assignedTo: StaffAccount | null;
  /** Decisions the account may record now (empty when none or not allowed). */
  decisions: readonly Decision[];
  /** The account may verify, write notes and ask for information. */
  canWork: boolean;
  /** Accounts a manager may reassign to (empty for others). */
  reassignTo: StaffAccount[];
  flash?: { text: string; error: boolean };
}

function tr(ctx: ViewContext, key: string, params?: Record<string, string | number>): string {
  return ctx.translator.t(`console:${key}`, ctx.lang, params);
}

function statusName(ctx: ViewContext, s: string): string {
  return ctx.translator.has(`status:state.${s}`, ctx.lang) ? ctx.translator.t(`status:state.${s}`, ctx.lang) : s;
}

function hiddenToken(ctx: ViewContext): Raw {
  return html`<input type="hidden" name="_token" value="${ctx.formToken ?? ''}">`;
}

/** A field of the case as the page lists it: id, label and the value as text. */
interface FieldLine {
  id: string;
  label: string;
  value: string;
  document?: CaseDocument;
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The lines of the form (requests) or of the complaint. */
export function fieldLines(ctx: ViewContext, d: Pick<CasePageData, 'record' | 'documents'>): FieldLine[] {
  const r = d.record;
  if (r.kind === 'request') {
    const type = ctx.profile.requestTypes.find((t) => t.id === r.topic);
    return (type?.fields ?? []).map((f) => {
      const raw = r.data[f.id];
      const option = f.type === 'choice' ? f.options?.find((o) => o.id === raw) : undefined;
      const document = f.type === 'document' ? d.documents.find((x) => x.source === f.id) : undefined;
      return {
        id: f.id,
        label: f.label[ctx.lang],
        value: option ? option.label[ctx.lang] : valueText(raw),
        ...(document ? { document } : {}),
      };
    });
  }
  const lines: FieldLine[] = [{ id: 'description', label: tr(ctx, 'case.description'), value: r.description || '—' }];
  if (r.data.harm !== undefined) lines.push({ id: 'harm', label: tr(ctx, 'case.harm'), value: valueText(r.data.harm) });
  if (r.data.amount !== undefined) lines.push({ id: 'amount', label: tr(ctx, 'case.amount'), value: valueText(r.data.amount) });
  const att = d.documents.find((x) => x.source === 'attachment');
  if (att) lines.push({ id: 'attachment', label: tr(ctx, 'case.attachment'), value: att.fileName ?? '', document: att });
  return lines;
}

function docLinks(ctx: ViewContext, ref: string, doc: CaseDocument): Raw {
  const base = `/staff/cases/${ref}/documents/${doc.n}`;
  return html`<a class="doc-view" href="${base}" target="_blank" rel="noopener">${tr(ctx, 'case.view')}</a> · <a class="doc-download" href="${`${base}?download=1`}">${tr(ctx, 'case.download')}</a>`;
}

function actorName(ctx: ViewContext, actor: string): string {
  if (actor === 'beneficiary' || actor === 'back_office' || actor === 'system') return tr(ctx, `case.actor.${actor}`);
  return actor;
}

function compensationSection(ctx: ViewContext, d: CasePageData): Raw {
  if (!d.compensation) return html``;
  const r = d.record;
  const stepName = (s: string) => tr(ctx, `compensation.${s}`);
  const detail = (k: string, v: unknown) =>
    html`<div><span class="hint">${ctx.translator.has(`console:compensation.field.${k}`, ctx.lang) ? tr(ctx, `compensation.field.${k}`) : k}:</span> ${valueText(
      k === 'finding' || k === 'outcome' ? tr(ctx, `compensation.value.${String(v)}`) : v,
    )}</div>`;
  const recorded = d.compensation.length
    ? html`<ol class="steps">${d.compensation.map(
        (s) =>
          html`<li data-step="${s.step}"><strong>${stepName(s.step)}</strong> · ${s.by} · <small>${dateTime(s.at, ctx)}</small>${Object.entries(s.details).map(([k, v]) => detail(k, v))}</li>`,
      )}</ol>`
    : html`<p>${tr(ctx, 'compensation.none')}</p>`;
  const open = isOpen(r.kind, r.status) && d.canWork;
  const action = `/staff/cases/${r.ref}/compensation`;
  const forms = open
    ? html`<details open><summary>${tr(ctx, 'compensation.record')}</summary>
<form method="post" action="${action}" id="comp-investigation">${hiddenToken(ctx)}<input type="hidden" name="step" value="investigation">
<h4>${stepName('investigation')}</h4>
<label for="inv-date">${tr(ctx, 'compensation.field.date')}</label><input type="date" id="inv-date" name="date" required>
<label for="inv-approved">${tr(ctx, 'compensation.field.approvedBy')}</label><input type="text" id="inv-approved" name="approvedBy" required maxlength="200">
<label for="inv-finding">${tr(ctx, 'compensation.field.finding')}</label><select id="inv-finding" name="finding"><option value="caused">${tr(ctx, 'compensation.value.caused')}</option><option value="not_caused">${tr(ctx, 'compensation.value.not_caused')}</option></select>
<label for="inv-summary">${tr(ctx, 'compensation.field.summary')}</label><textarea id="inv-summary" name="summary" rows="2" maxlength="2000" required></textarea>
<div class="actions"><button type="submit">${tr(ctx, 'compensation.save')}</button></div></form>
<form method="post" action="${action}" id="comp-ruling">${hiddenToken(ctx)}<input type="hidden" name="step" value="ruling">
<h4>${stepName('ruling')}</h4>
<label for="rul-date">${tr(ctx, 'compensation.field.date')}</label><input type="date" id="rul-date" name="date" required>
<label for="rul-summary">${tr(ctx, 'compensation.field.summary')}</label><textarea id="rul-summary" name="summary" rows="2" maxlength="2000" required></textarea>
<div class="actions"><button type="submit">${tr(ctx, 'compensation.save')}</button></div></form>
<form method="post" action="${action}" id="comp-negotiation">${hiddenToken(ctx)}<input type="hidden" name="step" value="negotiation">
<h4>${stepName('negotiation')}</h4>
<label for="neg-offer">${tr(ctx, 'compensation.field.offer')}</label><input type="text" id="neg-offer" name="offer" inputmode="decimal" maxlength="20">
<label for="neg-summary">${tr(ctx, 'compensation.field.summary')}</label><textarea id="neg-summary" name="summary" rows="2" maxlength="2000" required></textarea>
<div class="actions"><button type="submit">${tr(ctx, 'compensation.save')}</button></div></form>
<form method="post" action="${action}" id="comp-settlement">${hiddenToken(ctx)}<input type="hidden" name="step" value="settlement">
<h4>${stepName('settlement')}</h4>
<label for="set-outcome">${tr(ctx, 'compensation.field.outcome')}</label><select id="set-outcome" name="outcome"><option value="amount">${tr(ctx, 'compensation.value.amount')}</option><option value="amicable">${tr(ctx, 'compensation.value.amicable')}</option><option value="none">${tr(ctx, 'compensation.value.none')}</option></select>
<label for="set-amount">${tr(ctx, 'compensation.field.amount')}</label><input type="text" id="set-amount" name="amount" inputmode="decimal" maxlength="20">
<label for="set-message">${tr(ctx, 'compensation.field.message')}</label><textarea id="set-message" name="message" rows="3" maxlength="1500" required></textarea>
<p class="hint">${tr(ctx, 'compensation.tellHint')}</p>
<div class="actions"><button type="submit">${tr(ctx, 'compensation.settle')}</button></div></form></details>`
    : html``;
  return html`<section class="card" id="compensation"><h3>${tr(ctx, 'compensation.title')}</h3>${recorded}${forms}</section>`;
}

/** R3e: the answer time as the policy words it: "not before" (a minimum), "by" (a maximum), or none. */
function dueText(ctx: ViewContext, r: CaseRecord): string {
  if (r.deadline.kind === 'none' || r.dueAt === null) return tr(ctx, 'cases.noDeadline');
  return tr(ctx, r.deadline.kind === 'notBefore' ? 'cases.notBefore' : 'cases.within', { date: dateTime(r.dueAt, ctx) });
}

/** The case page. */
export function casePage(ctx: ViewContext, d: CasePageData): string {
  const r = d.record;
  const title =
    r.kind === 'request'
      ? (ctx.profile.requestTypes.find((t) => t.id === r.topic)?.name[ctx.lang] ?? r.topic)
      : (ctx.profile.complaintCategories.find((c) => c.id === r.topic)?.name[ctx.lang] ?? r.topic);
  const committee = ctx.profile.committees.find((c) => c.id === r.committee)?.name[ctx.lang] ?? r.committee;
  // R3e: only a maximum still awaited from the committee can be late.
  const overdue = isOverdue({ rule: r.deadline, dueAt: r.dueAt }, isWatched(r.kind, r.status), ctx.now);
  const lines = fieldLines(ctx, d);
  // Numbers, phones and IDs read left to right inside the Arabic page; text finds its own direction.
  const show = (v: string) => {
    const text = d.unmasked ? v : maskPersonalData(v);
    return html`<bdi dir="${/[\p{L}]/u.test(text.replace(/[A-Za-z]/g, '')) ? 'auto' : 'ltr'}">${text}</bdi>`;
  };
  const latest = new Map<string, VerificationRow>();
  for (const v of d.verifications) latest.set(v.field, v);
  const base = `/staff/cases/${r.ref}`;

  const decisionForm =
    d.decisions.length > 0
      ? html`<form method="post" action="${`${base}/decision`}" id="decision-form">${hiddenToken(ctx)}
<label for="decision">${tr(ctx, 'case.decision')}</label><select id="decision" name="decision">${d.decisions
          .filter((x) => x !== 'needs_info')
          .map((x) => html`<option value="${x}">${statusName(ctx, x)}</option>`)}</select>
<label for="decision-note">${tr(ctx, 'case.decisionNote')}</label><textarea id="decision-note" name="note" rows="2" maxlength="2000"></textarea>
<div class="actions"><button type="submit">${tr(ctx, 'case.recordDecision')}</button></div></form>`
      : html``;
  const canAsk = d.canWork && nextStatus(r.kind, r.status, { type: 'decision.needs_info' }) !== null;
  const askForm = canAsk
    ? html`<form method="post" action="${`${base}/needs-info`}" id="needs-info-form">${hiddenToken(ctx)}
<fieldset><legend>${tr(ctx, 'case.askInfo')}</legend>${lines
        .filter((l) => l.id !== 'description')
        .map((l) => html`<label class="check"><input type="checkbox" name="missing" value="${l.id}"> ${l.label}</label>`)}
<label for="missing-text">${tr(ctx, 'case.missingText')}</label><textarea id="missing-text" name="text" rows="2" maxlength="1000"></textarea></fieldset>
<div class="actions"><button type="submit">${tr(ctx, 'case.sendAsk')}</button></div></form>`
    : html``;
  const reassignForm = d.reassignTo.length
    ? html`<form method="post" action="${`${base}/reassign`}" id="reassign-form">${hiddenToken(ctx)}
<label for="reassign">${tr(ctx, 'case.reassign')}</label><select id="reassign" name="login">${d.reassignTo.map(
        (a) => html`<option value="${a.login}">${a.name} (${tr(ctx, `roles.${a.role}`)})</option>`,
      )}</select><div class="actions"><button type="submit">${tr(ctx, 'case.assign')}</button></div></form>`
    : html``;

  const body = html`<p><a href="${r.kind === 'request' ? '/staff/requests' : '/staff/complaints'}">${tr(ctx, r.kind === 'request' ? 'requests.title' : 'complaints.title')}</a></p>
<h2 id="case-title" data-ref="${r.ref}" data-status="${r.status}">${tr(ctx, r.kind === 'request' ? 'case.request' : 'case.complaint')} <span class="ltr">${r.ref}</span> · ${title} <span class="badge">${statusName(ctx, r.status)}</span>${overdue ? html` <span class="badge overdue">${tr(ctx, 'cases.overdue')}</span>` : ''}</h2>
${d.flash ? html`<p class="flash${d.flash.error ? ' error' : ''}" role="status">${d.flash.text}</p>` : ''}
<section class="card"><dl>
<dt>${tr(ctx, 'cases.channel')}</dt><dd>${ctx.translator.has(`console:channel.${r.channel}`, ctx.lang) ? tr(ctx, `channel.${r.channel}`) : r.channel}</dd>
<dt>${tr(ctx, 'cases.committee')}</dt><dd>${committee}</dd>
<dt>${tr(ctx, 'cases.submitted')}</dt><dd>${dateTime(r.createdAt, ctx)}</dd>
<dt>${tr(ctx, 'cases.due')}</dt><dd>${dueText(ctx, r)}</dd>
<dt>${tr(ctx, 'case.assignedTo')}</dt><dd id="assigned-to">${d.assignedTo ? d.assignedTo.name : '—'}</dd>
${r.decisionNote ? html`<dt>${tr(ctx, 'case.lastNote')}</dt><dd class="pre">${r.decisionNote}</dd>` : ''}
</dl></section>
${decisionForm.html || askForm.html || reassignForm.html ? html`<section class="card" id="actions"><h3>${tr(ctx, 'case.actions')}</h3>${decisionForm}${askForm}${reassignForm}</section>` : ''}
<section class="card" id="form"><h3>${tr(ctx, r.kind === 'request' ? 'case.form' : 'case.details')}</h3>${d.unmasked ? '' : html`<p class="hint">${tr(ctx, 'handoffs.masked')}</p>`}
<table class="fields"><tbody>${lines.map(
    (l) =>
      html`<tr data-field="${l.id}"><th>${l.label}</th><td class="pre">${l.document ? docLinks(ctx, r.ref, l.document) : show(l.value)}</td>
<td class="verify">${
        latest.get(l.id)
          ? html`<span class="badge ${latest.get(l.id)?.result === 'matched' ? 'claimed' : 'overdue'}">${tr(ctx, `case.${latest.get(l.id)?.result}`)}</span> <small>${latest.get(l.id)?.by} · ${dateTime(latest.get(l.id)?.at ?? ctx.now, ctx)}</small>`
          : html`<span class="hint">${tr(ctx, 'case.unverified')}</span>`
      }${
        d.canWork
          ? html`<form method="post" action="${`${base}/verify`}" class="inline">${hiddenToken(ctx)}<input type="hidden" name="field" value="${l.id}"><button type="submit" name="result" value="matched">${tr(ctx, 'case.markMatched')}</button> <button class="secondary" type="submit" name="result" value="mismatch">${tr(ctx, 'case.markMismatch')}</button></form>`
          : ''
      }</td></tr>`,
  )}</tbody></table></section>
${
  d.documents.length
    ? html`<section class="card" id="documents"><h3>${tr(ctx, 'case.documents')}</h3><ul>${d.documents.map(
        (doc) =>
          html`<li data-doc="${doc.n}">${doc.fileName ?? doc.source} <small class="ltr">${doc.contentType}</small> — ${docLinks(ctx, r.ref, doc)}</li>`,
      )}</ul></section>`
    : ''
}
${compensationSection(ctx, d)}
<section class="card" id="history"><h3>${tr(ctx, 'case.history')}</h3><table><thead><tr><th>${tr(ctx, 'cases.status')}</th><th>${tr(ctx, 'case.by')}</th><th>${tr(ctx, 'case.when')}</th><th>${tr(ctx, 'case.note')}</th></tr></thead><tbody>${d.history.map(
    (e) =>
      html`<tr><td>${statusName(ctx, e.status)}</td><td class="ltr">${actorName(ctx, e.actor)}</td><td>${dateTime(e.at, ctx)}</td><td class="pre">${e.note ? show(e.note) : ''}</td></tr>`,
  )}</tbody></table></section>
${
  d.attestation
    ? html`<section class="card" id="attestation"><h3>${tr(ctx, 'case.attestation')}</h3><blockquote class="pre">${d.attestation.text}</blockquote><p class="hint">${tr(ctx, 'case.acceptedAt', { at: dateTime(d.attestation.acceptedAt, ctx) })}</p></section>`
    : ''
}
<section class="card" id="notes"><h3>${tr(ctx, 'case.notes')}</h3><p class="hint">${tr(ctx, 'case.notesHint')}</p>
${d.notes.length ? html`<ul class="notes">${d.notes.map((n) => html`<li><strong>${n.by}</strong> · <small>${dateTime(n.at, ctx)}</small><div class="pre">${n.text}</div></li>`)}</ul>` : ''}
${
  d.canWork
    ? html`<form method="post" action="${`${base}/notes`}">${hiddenToken(ctx)}<label for="note-text">${tr(ctx, 'case.addNote')}</label><textarea id="note-text" name="text" rows="2" maxlength="4000" required></textarea><div class="actions"><button type="submit">${tr(ctx, 'case.saveNote')}</button></div></form>`
    : ''
}</section>
<section class="card" id="transcript"><h3>${tr(ctx, 'case.transcript')}</h3>${
    d.transcript.length
      ? html`<ol class="log" reversed>${[...d.transcript]
          .reverse()
          .map(
            (m) =>
              html`<li class="${m.direction === 'in' ? 'person' : 'bot'}"><span class="from">${tr(ctx, m.direction === 'in' ? 'handoffs.person' : 'handoffs.bot')}</span> · <small>${dateTime(m.at, ctx)}</small><br>${show(messageText(m.body))}</li>`,
          )}</ol>`
      : html`<p>${tr(ctx, 'handoffs.noMessages')}</p>`
  }</section>`;
  return layout(ctx, `${r.ref} · ${title}`, body);
}
