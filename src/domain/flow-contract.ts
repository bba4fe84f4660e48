/**
 * The contract between the dialogue machines in `flows/` and the engine in `src/`.
 * Machines receive {@link FlowEvent}s, emit {@link FlowEmitted} events (replies, domain effects,
 * handoffs) and finish with a {@link FlowOutput}. Nothing here touches a platform, a database or HTTP.
 */
import type { CaseKind, CaseStatus } from './case-lifecycle.js';
import type { Deadline } from './deadline.js';
import type { Lang, LocalText } from './text.js';

export type { CaseKind, CaseStatus, Deadline, Lang, LocalText };

/** Channels a beneficiary can write from. */
export type Channel = 'web' | 'telegram' | 'whatsapp_web' | 'whatsapp_cloud';

/** What a person sent, without its platform. */
export type UserInput =
  | { kind: 'text'; text: string }
  /** A button / list choice; `id` is the choice id the bot offered. */
  | { kind: 'choice'; id: string; text?: string }
  | {
      kind: 'attachment';
      attachment: {
        kind: 'image' | 'document' | 'audio' | 'video' | 'sticker' | 'other';
        mimeType?: string;
        size?: number;
        fileName?: string;
        /** Key in the attachment store once downloaded. */
        storageKey?: string;
      };
      caption?: string;
    }
  | { kind: 'location'; latitude: number; longitude: number }
  | { kind: 'contact'; phone: string };

/** Events every flow machine accepts. */
export type FlowEvent =
  | { type: 'user.message'; input: UserInput; at: string }
  /** Re-emit the current question (after a language switch or a resume). */
  | { type: 'flow.reprompt' };

/** Parameters of a reply: plain values, or text in both languages that the renderer picks from. */
export type ReplyParams = Record<string, string | number | LocalText>;

/** A button the person can press (or answer by its number). */
export interface Choice {
  id: string;
  key: string;
  params?: ReplyParams;
}

/** A reply: a locale key with parameters, and optional choices. */
export interface Reply {
  key: string;
  params?: ReplyParams;
  choices?: Choice[];
}

/** Domain records a turn writes, in the same transaction as the snapshot. */
export type DomainEffect =
  | { kind: 'beneficiary.consent'; version: string; at: string }
  | { kind: 'beneficiary.language'; lang: Lang }
  | { kind: 'beneficiary.optOut'; optedOut: boolean; at: string }
  | {
      kind: 'request.create';
      ref: string;
      typeId: string;
      committee: string;
      /** R3e: the committee's answer time as promised at submission, and the date it gives (null: none). */
      deadline: Deadline;
      dueAt: string | null;
      data: Record<string, unknown>;
      eligibility?: string;
      /** R3d: the attestation reply exactly as shown; the engine renders and stores its text. */
      attestation: { key: string; params?: ReplyParams; at: string };
      at: string;
    }
  | {
      kind: 'request.supplyInfo';
      ref: string;
      data: Record<string, unknown>;
      at: string;
      /**
       * R3e (seed 002): the case is complete at `at`; a deadline counted from completion moves to
       * this date (absent when the case's date does not move).
       */
      dueAt?: string;
    }
  | {
      kind: 'complaint.create';
      ref: string;
      category: string;
      committee: string;
      /** R3e: no complaint has a deadline unless its committee's policy states one. */
      deadline: Deadline;
      dueAt: string | null;
      description: string;
      data: Record<string, unknown>;
      at: string;
    }
  | {
      kind: 'rating.create';
      target: CaseTarget | null;
      score: number;
      comment?: string;
      at: string;
    };

/** What a flow machine emits while it runs. */
export type FlowEmitted =
  | ({ type: 'reply' } & Reply)
  | { type: 'effect'; effect: DomainEffect }
  /** Ask the engine to hand the conversation to a person (R3c). */
  | { type: 'handoff'; reason: string; category?: string; summary?: Record<string, string | number> };

/** Identifiers of the dialogues. */
export type FlowId = 'menu' | 'inquiry' | 'request' | 'status' | 'complaint' | 'rating';

/** A case named by kind and reference (what is rated, what a prompt is about). */
export interface CaseTarget {
  kind: CaseKind;
  ref: string;
}

/** Why the menu is shown. */
export type MenuMode = 'welcome' | 'menu' | 'restart' | 'cancelled';

/**
 * What each dialogue takes from the one that leads to it (or from the engine): exactly the part of
 * its input that is not the person ({@link BaseFlowInput}) or the profile. Each machine's input
 * type extends its entry here, so a hand-over of the wrong shape does not compile.
 */
export interface FlowHandovers {
  /** Why the menu is shown, a first message to route, the reply key of a greeting it carried. */
  menu: { mode?: MenuMode; text?: string; greeting?: string };
  inquiry: { query?: string };
  request: { typeId?: string };
  /** A reference the person gave or the case to show; without it, the list. */
  status: { ref?: string };
  complaint: Record<never, never>;
  /** R8: the case to rate (a rating prompt, or "rate" on a case in "my requests"). */
  rating: { target?: CaseTarget };
}

/**
 * How a flow ends: on to another flow with that flow's own hand-over, back to the menu, or to a
 * person. `{ next: 'rating', nextInput: { target } }` compiles; `nextInput: { ref, kind }` does not.
 */
export type FlowOutput = { next: 'handoff' } | { [K in FlowId]: { next: K; nextInput?: FlowHandovers[K] } }[FlowId];

/** A request or complaint as the "my requests" dialogue shows it (only the person's own). */
export interface CaseSummary {
  ref: string;
  kind: 'request' | 'complaint';
  /** Request type name or complaint category name. */
  title: LocalText;
  /** A lifecycle status (src/domain/case-lifecycle.ts); stored text, so any string is shown as 'other'. */
  status: string;
  committee: LocalText;
  createdAt: string;
  /** R3e: the committee's answer time as promised, and the date it gives (null: none, or not complete yet). */
  deadline: Deadline;
  dueAt: string | null;
  decisionNote?: string;
  history: { status: string; at: string; note?: string }[];
  rated: boolean;
}

/** A search hit in the profile's FAQ and policy texts. */
export interface FaqHit {
  id: string;
  question: LocalText;
  answer: LocalText;
  /** 0..1 */
  confidence: number;
}

/**
 * Read-only services the machines invoke (as `fromPromise` actors named like the keys below).
 * Machines declare them with a placeholder; the engine supplies the real ones with `.provide()`.
 */
export interface FlowServices {
  /** An open request of this type for this person, if any. */
  findOpenRequest: (input: { beneficiaryId: string; typeId: string }) => Promise<CaseSummary | null>;
  /** The person's own requests and complaints, newest first. */
  listCases: (input: { beneficiaryId: string }) => Promise<CaseSummary[]>;
  /** One of the person's own cases by reference; null when unknown or someone else's. */
  getCase: (input: { beneficiaryId: string; ref: string }) => Promise<CaseSummary | null>;
  /** FAQ / policy search. */
  searchFaq: (input: { query: string; lang: Lang }) => Promise<FaqHit[]>;
}

/** Input every flow receives from the engine, plus its own fields. */
export interface BaseFlowInput {
  beneficiaryId: string;
  lang: Lang;
}
