/**
 * The whole case for staff (issue 13; R3d, R3h, R4, R5, R6): a request or complaint with its form,
 * documents, status history, conversation, attestation, verification checklist, internal notes
 * and, for compensation claims, the steps of 002 (ثـ). Decisions go through the webhook's
 * {@link DecisionService}, so the person is told in the same way and in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { auditStatement } from '../db/audit.repository.js';
import type { Db } from '../db/database.js';
import { type CaseRecord, StaffCasesRepository } from '../db/staff-cases.repository.js';
import { allowedDecisions } from '../domain/case-lifecycle.js';
import type { Profile } from '../domain/profile.js';
import type { DecisionOutcome, DecisionService } from '../notify/decisions.js';
import type { Decision } from '../notify/messages.js';
import { type CaseScope, caseCategory } from './access.js';
import { type StaffAccount, staffIdOf } from './accounts.js';

/** A document of a case: where it came from and its storage key. */
export interface CaseDocument {
  /** Position in the case's document list (the URL names it). */
  n: number;
  /** The form field id, `attachment` (complaint) or `supplied` (sent after needs_info). */
  source: string;
  key: string;
  fileName: string | null;
  contentType: string;
}

/** Content types by the extension the attachment store gives a key. */
const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
};

const KEY = /^[0-9a-f-]{36}\.([a-z0-9]+)$/;

/** The content type of a stored key, or null when it is not a key of the store. */
export function contentTypeOf(key: string): string | null {
  const ext = KEY.exec(key)?.[1];
  return ext ? (CONTENT_TYPES[ext] ?? 'application/octet-stream') : null;
}

/** Compensation steps of 002 (ثـ), in their order. */
export const COMPENSATION_STEPS = ['investigation', 'ruling', 'negotiation', 'settlement'] as const;
export type CompensationStep = (typeof COMPENSATION_STEPS)[number];

/** Case work for the console. */
export class CaseService {
  readonly repo: StaffCasesRepository;

  constructor(
    private readonly d: {
      db: Db;
      profile: Profile;
      decisions?: DecisionService;
      /** Reads a stored attachment by key (the app's attachment store). */
      readAttachment?: (key: string) => Promise<Buffer>;
      onCommitted?: () => void;
    },
  ) {
    this.repo = new StaffCasesRepository(d.db);
  }

  /** A case and who may see it. */
  async find(ref: string): Promise<{ record: CaseRecord; scope: CaseScope } | null> {
    const record = await this.repo.byRef(ref);
    if (!record) return null;
    const assignment = await this.repo.assignment(record.ref);
    return {
      record,
      scope: {
        kind: record.kind,
        category: caseCategory(this.d.profile, record.kind, record.topic),
        committee: record.committee,
        assignedTo: assignment?.accountId ?? null,
      },
    };
  }

  /** The documents of a case: form documents, the complaint's attachment, what the person supplied. */
  async documents(record: CaseRecord): Promise<CaseDocument[]> {
    const out: CaseDocument[] = [];
    const add = (source: string, key: unknown, fileName: unknown) => {
      if (typeof key !== 'string') return;
      const contentType = contentTypeOf(key);
      if (!contentType) return;
      out.push({ n: out.length, source, key, fileName: typeof fileName === 'string' ? fileName : null, contentType });
    };
    if (record.kind === 'request') {
      const type = this.d.profile.requestTypes.find((t) => t.id === record.topic);
      for (const f of type?.fields ?? []) if (f.type === 'document') add(f.id, record.data[f.id], null);
    } else {
      const att = record.data.attachment as { storageKey?: unknown; fileName?: unknown } | undefined;
      if (att) add('attachment', att.storageKey, att.fileName);
    }
    for (const e of await this.repo.history(record)) {
      if (e.actor !== 'beneficiary' || !e.note) continue;
      try {
        const supplied = JSON.parse(e.note) as { attachment?: { storageKey?: unknown; fileName?: unknown } };
        if (supplied.attachment) add('supplied', supplied.attachment.storageKey, supplied.attachment.fileName);
      } catch {
        // a note that is not JSON carries no document
      }
    }
    return out;
  }

  /** The bytes of a document, or null when the store has no such file. */
  async readDocument(doc: CaseDocument): Promise<Buffer | null> {
    if (!this.d.readAttachment) return null;
    try {
      return await this.d.readAttachment(doc.key);
    } catch {
      return null;
    }
  }

  /** Records a field checked against the documents, with who and when (000, 001, 003, 004). */
  async verify(
    record: CaseRecord,
    a: StaffAccount,
    field: string,
    result: 'matched' | 'mismatch',
    note: string | null,
    at: Date,
  ): Promise<void> {
    await this.repo.batch([
      this.repo.verificationStatement(record.ref, field, result, note, a.id, at),
      auditStatement({
        staffId: staffIdOf(a.login),
        action: 'case.verify',
        subjectType: record.kind,
        subjectId: record.ref,
        details: { field, result },
        at,
      }),
    ]);
  }

  /** Adds an internal note (never shown to the person). */
  async note(record: CaseRecord, a: StaffAccount, text: string, at: Date): Promise<void> {
    await this.repo.batch([
      this.repo.noteStatement(record.ref, a.id, text, at),
      auditStatement({ staffId: staffIdOf(a.login), action: 'case.note', subjectType: record.kind, subjectId: record.ref, at }),
    ]);
  }

  /** Assigns the case to another account (managers). */
  async reassign(record: CaseRecord, a: StaffAccount, to: StaffAccount, at: Date): Promise<void> {
    await this.repo.batch([
      ...this.repo.assignStatements(record.ref, to.id, a.id, at),
      auditStatement({
        staffId: staffIdOf(a.login),
        action: 'case.reassign',
        subjectType: record.kind,
        subjectId: record.ref,
        details: { to: to.login },
        at,
      }),
    ]);
  }

  /** The decisions the case's status allows now. */
  allowed(record: CaseRecord): readonly Decision[] {
    return allowedDecisions(record.kind, record.status);
  }

  /**
   * Records a committee decision through the webhook's path (same statements, same notification
   * to the person on their channel, same rating prompt), with the staff member as the actor.
   */
  async decide(
    record: CaseRecord,
    a: StaffAccount,
    decision: Decision,
    note: string | undefined,
    at: Date,
  ): Promise<DecisionOutcome> {
    if (!this.d.decisions) throw new Error('decisions service not configured');
    const outcome = await this.d.decisions.apply(
      { ref: record.ref, kind: record.kind, decision, ...(note ? { note } : {}), decidedAt: at, actor: staffIdOf(a.login) },
      `console:${randomUUID()}`,
      at,
    );
    if (outcome.outcome === 'accepted')
      await this.repo.batch([
        auditStatement({
          staffId: staffIdOf(a.login),
          action: 'case.decision',
          subjectType: record.kind,
          subjectId: record.ref,
          details: { decision },
          at,
        }),
      ]);
    return outcome;
  }

  /** Records one compensation step (002 ثـ) with who and when. */
  async compensationStep(
    record: CaseRecord,
    a: StaffAccount,
    step: CompensationStep,
    details: Record<string, unknown>,
    at: Date,
  ): Promise<void> {
    await this.repo.batch([
      this.repo.compensationStatement(record.ref, step, details, a.id, at),
      auditStatement({
        staffId: staffIdOf(a.login),
        action: 'compensation.step',
        subjectType: 'complaint',
        subjectId: record.ref,
        details: { step },
        at,
      }),
    ]);
  }
}
