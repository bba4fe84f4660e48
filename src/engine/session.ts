/**
 * One turn of one conversation, without I/O: restore the active dialogue from its snapshot, apply
 * global commands, send the person's message, follow the dialogue to the next one when it ends, and
 * collect what the turn produced (rendered replies, domain effects, handoffs, the new state).
 */
import { type AnyActorRef, createActor } from 'xstate';
import { normalizeArabic, toLatinDigits } from '../domain/arabic.js';
import { formatDate, nextWorkingTime } from '../domain/calendar.js';
import type {
  Choice,
  DomainEffect,
  FlowEmitted,
  FlowEvent,
  FlowHandovers,
  FlowId,
  FlowOutput,
  Reply,
  UserInput,
} from '../domain/flow-contract.js';
import type { Profile } from '../domain/profile.js';
import { referralCategory } from '../domain/referral.js';
import type { Lang, LocalText } from '../domain/text.js';
import { greetingReply, isThanks } from '../domain/wording.js';
import type { RenderedReply, Translator } from '../i18n.js';
import { type Command, detectCommand } from './commands.js';
import { calendarOf, type FlowRegistry } from './flow-registry.js';
import { ProfileRefs } from './profile-refs.js';

/** What is persisted of a conversation between turns. */
export interface SessionState {
  flowId: FlowId;
  flowVersion: number;
  /** The active machine's persisted snapshot; null when no dialogue is active. */
  snapshot: unknown;
  /** The choices of the last question, to map a typed "2" / "٢" / label to a choice. */
  choices: Choice[];
  /** The person came back after a long pause and was asked whether to continue (R3a). */
  resumePending?: boolean;
  /** When the bot last started a dialogue itself (a prompt): a pause is counted from then too. */
  promptedAt?: string;
  /** The last question asks for a number: "0" or "1" typed there is an answer, not a command or an option. */
  expectsNumber?: boolean;
  mode: 'bot' | 'handoff';
  /** Issue 11: an unfinished request or complaint, kept when the person left it (menu, cancel, a person). */
  draft?: Draft | null;
  /** The person was asked whether to continue the draft or start again (`extra` is the new flow's input). */
  draftOffer?: { flowId: FlowId; extra: Record<string, unknown> } | null;
  /** The person typed "cancel" in a form and was asked to confirm. */
  cancelPending?: boolean;
  /** A dialogue interrupted by one the bot started (a rating prompt); it resumes afterwards. */
  suspended?: { flowId: FlowId; flowVersion: number; snapshot: unknown; choices: Choice[] } | null;
}

/** An unfinished form: the dialogue's snapshot as it was, and when it was kept. */
export interface Draft {
  flowId: FlowId;
  flowVersion: number;
  snapshot: unknown;
  choices: Choice[];
  savedAt: string;
}

/** Dialogues whose answers are kept as a draft (issue 11: nothing typed is lost). */
const DRAFTED: ReadonlySet<FlowId> = new Set(['request', 'complaint']);

/** How far a form got: the type or category, answers given, questions in all. */
function progressOf(context: unknown): { title: LocalText; answered: number; total: number } | null {
  if (typeof context !== 'object' || context === null) return null;
  const c = context as Record<string, unknown>;
  const none = { ar: '—', en: '—' };
  if (c.answers && typeof c.answers === 'object') {
    const type = c.type as { name?: LocalText; fields?: unknown[] } | null;
    const answered = Object.keys(c.answers).length;
    return { title: type?.name ?? none, answered, total: type?.fields?.length ?? answered };
  }
  if ('description' in c && Array.isArray(c.categories)) {
    const category = (c.categories as { id: string; name: LocalText; compensation?: boolean }[]).find(
      (x) => x.id === c.categoryId,
    );
    const steps = category?.compensation ? ['description', 'harm', 'amount', 'attachment'] : ['description', 'attachment'];
    return { title: category?.name ?? none, answered: steps.filter((k) => c[k] !== null).length, total: steps.length };
  }
  return null;
}

/** The person as the turn sees them. */
export interface TurnPerson {
  id: string;
  lang: Lang;
  consentVersion: string | null;
  lastInboundAt: Date | null;
}

/** A handoff the turn asks for (R3c). */
export interface HandoffRequest {
  reason: string;
  category: string;
  summary: Record<string, string | number>;
}

/** What a turn produced. */
export interface TurnOutcome {
  state: SessionState;
  replies: RenderedReply[];
  /** Replies as keys, for storing the exact attestation text. */
  effects: DomainEffect[];
  handoffs: HandoffRequest[];
  /** The person's message goes to the staff member holding the conversation. */
  forwardToStaff: boolean;
  /** The handoff in progress was closed by the person. */
  closeHandoff: boolean;
  lang: Lang;
  /** Flow of the turn, for metrics and logs. */
  flowId: FlowId;
}

const SETTLE_LIMIT_MS = 10_000;

/** Runs turns against the flows of a registry. */
export class SessionRunner {
  private readonly refs: ProfileRefs;

  constructor(
    private readonly registry: FlowRegistry,
    private readonly profile: Profile,
    private readonly translator: Translator,
  ) {
    this.refs = new ProfileRefs(profile, { calendar: calendarOf(profile) });
  }

  /** Runs one turn. Never throws for anything the person typed. */
  async run(person: TurnPerson, prev: SessionState | null, input: UserInput, at: Date): Promise<TurnOutcome> {
    const turn = new Turn(this.registry, this.profile, this.translator, this.refs, person, prev, at);
    await turn.handle(input);
    return turn.outcome();
  }

  /**
   * Starts a dialogue on the bot's initiative (a rating prompt, a request for missing
   * information). The dialogue in progress, if any, is suspended and resumes when this one ends.
   * Returns null while a staff member holds the conversation: the bot does not interrupt them.
   */
  async interrupt<K extends FlowId>(
    person: TurnPerson,
    prev: SessionState | null,
    flowId: K,
    extra: FlowHandovers[K],
    at: Date,
    preface?: Reply,
  ): Promise<TurnOutcome | null> {
    if (prev?.mode === 'handoff') return null;
    const turn = new Turn(this.registry, this.profile, this.translator, this.refs, person, prev, at);
    await turn.interrupt(flowId, extra, preface);
    return turn.outcome();
  }

  /** The staff member handed the conversation back: the bot resumes with the menu. */
  async handBack(person: TurnPerson, prev: SessionState | null, at: Date): Promise<TurnOutcome> {
    const turn = new Turn(this.registry, this.profile, this.translator, this.refs, person, prev, at);
    await turn.handBack();
    return turn.outcome();
  }
}

class Turn {
  private lang: Lang;
  private consentVersion: string | null;
  private readonly replies: RenderedReply[] = [];
  private readonly effects: DomainEffect[] = [];
  private readonly handoffs: HandoffRequest[] = [];
  private lastChoices: Choice[] = [];
  private expectsNumber = false;
  private actor: AnyActorRef | null = null;
  private flowId: FlowId = 'menu';
  private flowVersion = 0;
  private mode: SessionState['mode'];
  private resumePending = false;
  private forwardToStaff = false;
  private closeHandoff = false;
  private readonly atIso: string;
  private suspended: SessionState['suspended'];
  private promptedAt: string | undefined;
  private draft: Draft | null;
  private draftOffer: SessionState['draftOffer'] = null;
  private cancelPending = false;

  constructor(
    private readonly registry: FlowRegistry,
    private readonly profile: Profile,
    private readonly translator: Translator,
    private readonly refs: ProfileRefs,
    private readonly person: TurnPerson,
    private readonly prev: SessionState | null,
    private readonly at: Date,
  ) {
    this.lang = person.lang;
    this.consentVersion = person.consentVersion;
    this.mode = prev?.mode ?? 'bot';
    this.atIso = at.toISOString();
    if (prev) this.lastChoices = prev.choices;
    this.expectsNumber = prev?.expectsNumber === true;
    this.suspended = prev?.suspended ?? null;
    this.promptedAt = prev?.promptedAt;
    this.draft = prev?.draft ?? null;
  }

  /** The form in progress before this turn, as a draft, if it has answers worth keeping. */
  private keepDraft(): void {
    const prev = this.prev;
    if (!prev || prev.snapshot === null || !DRAFTED.has(prev.flowId) || prev.mode === 'handoff') return;
    if (this.effects.some((e) => e.kind === 'request.create' || e.kind === 'complaint.create')) return;
    const progress = this.progress(prev.snapshot);
    if (!progress || (progress.answered === 0 && progress.title.ar === '—')) return;
    this.draft = {
      flowId: prev.flowId,
      flowVersion: prev.flowVersion,
      snapshot: prev.snapshot,
      choices: prev.choices,
      savedAt: this.atIso,
    };
  }

  private progress(snapshot: unknown): ReturnType<typeof progressOf> {
    try {
      return progressOf((this.refs.restore(snapshot) as { context?: unknown }).context);
    } catch {
      return null;
    }
  }

  async interrupt<K extends FlowId>(flowId: K, extra: FlowHandovers[K], preface?: Reply): Promise<void> {
    const prev = this.prev;
    // Keep what the person was doing, to resume it afterwards (a menu needs no keeping).
    if (prev && prev.snapshot !== null && prev.flowId !== 'menu' && !this.suspended)
      this.suspended = { flowId: prev.flowId, flowVersion: prev.flowVersion, snapshot: prev.snapshot, choices: prev.choices };
    if (preface) this.reply(preface);
    this.promptedAt = this.atIso;
    await this.startFlow(flowId, extra);
  }

  async handBack(): Promise<void> {
    this.mode = 'bot';
    this.closeHandoff = true;
    this.reply({ key: 'session:handedBack' });
    await this.startFlow('menu', { mode: 'menu' });
  }

  async handle(input: UserInput): Promise<void> {
    const prev = this.prev;
    let command = input.kind === 'text' ? detectCommand(input.text) : null;
    // "0" is the menu everywhere except where the question asks for a number (an income of 0).
    if (command?.kind === 'menu' && this.expectsNumber && input.kind === 'text' && /^\s*[0٠۰]\s*$/.test(input.text))
      command = null;

    if (this.mode === 'handoff') {
      if (command?.kind === 'menu' || command?.kind === 'cancel') {
        this.mode = 'bot';
        this.closeHandoff = true;
        await this.startFlow('menu', { mode: 'menu' });
      } else {
        // While a staff member holds the conversation the bot stays silent (R3c).
        this.forwardToStaff = true;
        this.keepPrevious();
      }
      return;
    }

    const early = prev ? this.mapChoice(input, prev.choices) : input;
    const picked = early.kind === 'choice' ? early.id : null;
    if (prev?.draftOffer) {
      const offer = prev.draftOffer;
      if (picked === 'session.draftResume' && this.draft) {
        const draft = this.draft;
        this.draft = null;
        if (await this.restore({ ...draft, mode: 'bot' })) await this.send({ type: 'flow.reprompt' });
        return;
      }
      if (picked === 'session.draftRestart') {
        this.draft = null;
        this.reply({ key: 'session:draftDiscarded' });
        await this.startFlow(offer.flowId, offer.extra);
        return;
      }
    }
    if (prev?.cancelPending && prev.snapshot !== null) {
      if (picked === 'session.cancelYes') {
        this.draft = null;
        this.suspended = null;
        await this.startFlow('menu', { mode: 'cancelled' });
        return;
      }
      if (picked === 'session.cancelNo') {
        if (await this.restore(prev)) await this.send({ type: 'flow.reprompt' });
        return;
      }
    }

    if (command) {
      await this.applyCommand(command);
      return;
    }

    // Greetings and thanks are returned («السلام عليكم» → «وعليكم السلام»), then the menu or the question.
    const courtesy =
      input.kind === 'text' ? (greetingReply(input.text) ?? (isThanks(input.text) ? 'common:thanksReply' : null)) : null;
    if (courtesy && prev && (prev.snapshot === null || prev.flowId === 'menu')) {
      this.reply({ key: courtesy });
      await this.startFlow('menu', { mode: 'menu' });
      return;
    }
    // A first message that is a greeting is returned in the welcome itself.
    if (courtesy && !prev) {
      await this.startFlow('menu', { mode: 'welcome', greeting: courtesy });
      return;
    }

    if (!prev || prev.snapshot === null) {
      const firstText = input.kind === 'text' ? input.text : undefined;
      await this.startFlow('menu', { mode: prev ? 'menu' : 'welcome', ...(firstText ? { text: firstText } : {}) });
      return;
    }

    if (!(await this.restore(prev))) return;

    const mapped = this.mapChoice(input, prev.choices);
    if (prev.resumePending) {
      if (mapped.kind === 'choice' && mapped.id === 'session.restart') {
        this.stopActor();
        await this.startFlow('menu', { mode: 'menu' });
        return;
      }
      if (mapped.kind === 'choice' && mapped.id === 'session.resume') {
        await this.send({ type: 'flow.reprompt' });
        return;
      }
    }
    if (mapped.kind === 'choice' && !prev.choices.some((c) => c.id === mapped.id)) {
      // A button from an old message: say so, and ask the current question again.
      this.reply({ key: 'common:staleChoice' });
      await this.send({ type: 'flow.reprompt' });
      return;
    }
    if (this.isLongPause()) {
      this.resumePending = true;
      this.reply({
        key: 'session:resumeAsk',
        choices: [
          { id: 'session.resume', key: 'session:resume' },
          { id: 'session.restart', key: 'session:restart' },
        ],
      });
      return;
    }
    await this.send({ type: 'user.message', input: mapped, at: this.atIso });
  }

  outcome(): TurnOutcome {
    let snapshot: unknown = null;
    if (this.actor && this.actor.getSnapshot().status === 'active') snapshot = this.refs.strip(this.actor.getPersistedSnapshot());
    else if (this.forwardToStaff && this.prev) snapshot = this.prev.snapshot;
    this.actor?.stop();
    return {
      state: {
        flowId: this.flowId,
        flowVersion: this.flowVersion,
        snapshot,
        choices: this.lastChoices,
        ...(this.expectsNumber ? { expectsNumber: true } : {}),
        ...(this.promptedAt ? { promptedAt: this.promptedAt } : {}),
        mode: this.mode,
        ...(this.resumePending ? { resumePending: true } : {}),
        suspended: this.suspended ?? null,
        ...(this.draft ? { draft: this.draft } : {}),
        ...(this.draftOffer ? { draftOffer: this.draftOffer } : {}),
        ...(this.cancelPending ? { cancelPending: true } : {}),
      },
      replies: this.replies,
      effects: this.effects,
      handoffs: this.handoffs,
      forwardToStaff: this.forwardToStaff,
      closeHandoff: this.closeHandoff,
      lang: this.lang,
      flowId: this.flowId,
    };
  }

  private keepPrevious(): void {
    if (!this.prev) return;
    this.flowId = this.prev.flowId;
    this.flowVersion = this.prev.flowVersion;
  }

  private isLongPause(): boolean {
    // The pause runs from the person's last message, or from the bot's own prompt if later.
    const times = [this.person.lastInboundAt?.getTime(), this.promptedAt ? Date.parse(this.promptedAt) : undefined].filter(
      (x): x is number => typeof x === 'number' && !Number.isNaN(x),
    );
    if (times.length === 0 || this.flowId === 'menu') return false;
    return this.at.getTime() - Math.max(...times) > this.profile.resumeAfterHours * 3_600_000;
  }

  private async applyCommand(command: Command): Promise<void> {
    const active = this.prev && this.prev.snapshot !== null;
    switch (command.kind) {
      case 'menu':
        this.keepDraft();
        if (this.draft && this.prev && DRAFTED.has(this.prev.flowId)) this.reply({ key: 'session:draftKept' });
        this.suspended = null;
        // A first message such as Telegram's /start still gets the welcome and privacy notice (R6).
        await this.startFlow('menu', { mode: this.prev ? 'menu' : 'welcome' });
        return;
      case 'cancel': {
        // Issue 11: a cancel in a form asks first and says what would be discarded.
        const progress = this.prev && active && DRAFTED.has(this.prev.flowId) ? this.progress(this.prev.snapshot) : null;
        if (this.prev && progress && (await this.restore(this.prev))) {
          this.cancelPending = true;
          this.reply({
            key: 'session:cancelAsk',
            params: { title: progress.title, answered: progress.answered, total: progress.total },
            choices: [
              { id: 'session.cancelNo', key: 'session:cancelNo' },
              { id: 'session.cancelYes', key: 'session:cancelYes' },
            ],
          });
          return;
        }
        this.suspended = null;
        await this.startFlow('menu', { mode: active && this.prev?.flowId !== 'menu' ? 'cancelled' : 'menu' });
        return;
      }
      case 'human':
        this.keepDraft();
        if (this.prev) this.keepPrevious();
        this.requestHandoff({ reason: 'requested', summary: { flow: this.prev?.flowId ?? 'none' } });
        return;
      case 'language': {
        const lang = command.lang ?? (this.lang === 'ar' ? 'en' : 'ar');
        this.applyEffect({ kind: 'beneficiary.language', lang });
        this.reply({ key: 'session:languageChanged' });
        await this.resumeOrMenu();
        return;
      }
      case 'optOut':
      case 'optIn': {
        const optedOut = command.kind === 'optOut';
        this.applyEffect({ kind: 'beneficiary.optOut', optedOut, at: this.atIso });
        this.reply({ key: optedOut ? 'session:optedOut' : 'session:optedIn' });
        await this.resumeOrMenu();
        return;
      }
    }
  }

  /** After a command that does not change the dialogue: ask the current question again. */
  private async resumeOrMenu(): Promise<void> {
    if (this.prev && this.prev.snapshot !== null && (await this.restore(this.prev))) {
      await this.send({ type: 'flow.reprompt' });
      return;
    }
    if (!this.actor) await this.startFlow('menu', { mode: this.prev ? 'menu' : 'welcome' });
  }

  /** Restores the active machine; an unknown or outdated snapshot restarts politely. */
  private async restore(prev: SessionState): Promise<boolean> {
    const def = this.registry.get(prev.flowId);
    if (!def || def.version !== prev.flowVersion) {
      await this.startFlow('menu', { mode: 'restart' });
      return false;
    }
    try {
      const actor = createActor(def.machine, { snapshot: this.refs.restore(prev.snapshot) as never });
      this.attach(actor);
      actor.start();
      if (actor.getSnapshot().status !== 'active') throw new Error('restored snapshot is not active');
      this.actor = actor;
      this.flowId = def.id;
      this.flowVersion = def.version;
      return true;
    } catch {
      this.stopActor();
      await this.startFlow('menu', { mode: 'restart' });
      return false;
    }
  }

  private attach(actor: AnyActorRef): void {
    // An actor that errors with no observer rethrows the error out of band and would crash the
    // process; the turn inspects the status instead and restarts politely.
    actor.subscribe({ error: () => {} });
    actor.on('*', (e: FlowEmitted) => this.onEmitted(e));
  }

  private onEmitted(e: FlowEmitted): void {
    if (e.type === 'reply') this.reply(e);
    else if (e.type === 'effect') this.applyEffect(e.effect);
    else if (e.type === 'handoff')
      this.handoffs.push({
        reason: e.reason,
        category: e.category ?? this.profile.handoff.defaultCategory,
        summary: e.summary ?? { flow: this.flowId },
      });
  }

  private applyEffect(effect: DomainEffect): void {
    this.effects.push(effect);
    if (effect.kind === 'beneficiary.language') this.lang = effect.lang;
    if (effect.kind === 'beneficiary.consent') this.consentVersion = effect.version;
  }

  private reply(r: Reply): void {
    this.replies.push(this.translator.render(r, this.lang));
    this.lastChoices = r.choices ?? [];
    this.expectsNumber = false;
  }

  /**
   * Reads what the waiting state asks from its tags (flows/question.ts), not from locale keys:
   * a number question takes "0" as an answer, a phone question offers the "share contact" button.
   */
  private readTags(actor: AnyActorRef): void {
    const snap = actor.getSnapshot();
    if (snap.status !== 'active') return;
    this.expectsNumber = snap.hasTag('asksNumber');
    const last = this.replies.at(-1);
    if (snap.hasTag('asksPhone') && last && !last.choices?.length)
      last.requestContact = this.translator.t('common:shareContact', this.lang);
  }

  private stopActor(): void {
    this.actor?.stop();
    this.actor = null;
  }

  private async startFlow<K extends FlowId>(flowId: K, extra: FlowHandovers[K]): Promise<void> {
    this.stopActor();
    if (this.draft && this.draft.flowId === flowId && (await this.offerDraft(flowId, extra))) return;
    const def = this.registry.get(flowId);
    if (!def) throw new Error(`unknown flow ${flowId}`);
    const input = def.input({
      profile: this.profile,
      beneficiaryId: this.person.id,
      lang: this.lang,
      consentVersion: this.consentVersion,
      extra,
    });
    const actor = createActor(def.machine, { input });
    this.flowId = def.id;
    this.flowVersion = def.version;
    this.actor = actor;
    this.attach(actor);
    actor.start();
    await this.settle();
  }

  private async send(event: FlowEvent): Promise<void> {
    this.actor?.send(event);
    await this.settle();
  }

  /** Waits for invoked services to answer, then follows a finished dialogue to the next one. */
  private async settle(): Promise<void> {
    const actor = this.actor;
    if (!actor) return;
    const deadline = Date.now() + SETTLE_LIMIT_MS;
    while (Date.now() < deadline) {
      const snap = actor.getSnapshot();
      if (snap.status !== 'active') break;
      const busy = Object.values(snap.children as Record<string, AnyActorRef>).some((c) => c.getSnapshot().status === 'active');
      if (!busy) break;
      await new Promise((r) => setImmediate(r));
    }
    const snap = actor.getSnapshot();
    this.readTags(actor);
    if (snap.status === 'error') {
      this.stopActor();
      await this.startFlow('menu', { mode: 'restart' });
      return;
    }
    if (snap.status !== 'done') return;
    const out = (snap.output ?? { next: 'menu' }) as FlowOutput;
    this.stopActor();
    if (out.next === 'handoff') {
      // "Talk to a person" after repeated refusals: the answers so far wait for the person's return.
      this.keepDraft();
      this.requestHandoff(null);
      return;
    }
    if (out.next === 'menu' && this.suspended) {
      // Back to what the person was doing before the bot interrupted them.
      const resume = this.suspended;
      this.suspended = null;
      if (await this.restore({ ...resume, mode: 'bot' })) {
        this.lastChoices = resume.choices;
        await this.send({ type: 'flow.reprompt' });
        return;
      }
      return;
    }
    // Starting the next dialogue settles it in turn.
    if (out.next === 'menu') await this.startFlow('menu', { mode: 'menu' });
    else await this.startHandedOver(out);
  }

  /**
   * Starts the flow a finished one named, with what it handed over. The pair is checked where the
   * machine builds it (FlowOutput: each `next` with its own input type); it is passed on as one.
   */
  private startHandedOver<K extends Exclude<FlowId, 'menu'>>(out: { next: K; nextInput?: FlowHandovers[K] }): Promise<void> {
    return this.startFlow(out.next, out.nextInput ?? ({} as FlowHandovers[K]));
  }

  /**
   * The officer a person asking for staff is referred to (R7, issue 13): by the dialogue they were
   * in and what it knows about them (src/domain/referral.ts); the default officer when nothing is known.
   */
  private referral(): string {
    const snapshot = this.prev?.snapshot as { context?: unknown } | null | undefined;
    return referralCategory(this.profile, { flowId: this.prev?.flowId ?? null, context: snapshot?.context });
  }

  /**
   * Issue 11: coming back to a form with a draft offers to continue it or start again; a draft older
   * than the profile's `draftExpiryDays` is dropped and the person is told. True when an offer was made.
   */
  private async offerDraft(flowId: FlowId, extra: Record<string, unknown>): Promise<boolean> {
    const draft = this.draft;
    if (!draft) return false;
    const age = this.at.getTime() - Date.parse(draft.savedAt);
    const progress = this.progress(draft.snapshot);
    if (!progress || !(age < this.profile.draftExpiryDays * 86_400_000)) {
      this.draft = null;
      if (progress)
        this.reply({ key: 'session:draftExpired', params: { title: progress.title, days: this.profile.draftExpiryDays } });
      return false;
    }
    this.flowId = 'menu';
    this.draftOffer = { flowId, extra };
    this.reply({
      key: flowId === 'complaint' ? 'session:draftOfferComplaint' : 'session:draftOffer',
      params: { title: progress.title, answered: progress.answered, total: progress.total },
      choices: [
        { id: 'session.draftResume', key: 'session:draftResume' },
        { id: 'session.draftRestart', key: 'session:draftRestart' },
      ],
    });
    return true;
  }

  /** Puts the conversation in the hands of a person and tells the beneficiary when to expect them. */
  private requestHandoff(request: Omit<HandoffRequest, 'category'> | null): void {
    if (request) this.handoffs.push({ ...request, category: this.referral() });
    if (this.handoffs.length === 0)
      this.handoffs.push({ reason: 'requested', category: this.profile.handoff.defaultCategory, summary: { flow: this.flowId } });
    this.stopActor();
    this.mode = 'handoff';
    const when = nextWorkingTime(this.at, calendarOf(this.profile), this.profile.workingHours);
    if (when.getTime() <= this.at.getTime()) this.reply({ key: 'session:handoffNow' });
    else {
      const d = formatDate(when, this.lang, this.profile.timezone);
      const time = when.toLocaleTimeString(this.lang === 'ar' ? 'ar-SA' : 'en-GB', {
        timeZone: this.profile.timezone,
        hour: '2-digit',
        minute: '2-digit',
      });
      this.reply({ key: 'session:handoffLater', params: { date: d.gregorian, hijri: d.hijri, time } });
    }
    this.lastChoices = [];
  }

  /** Maps a typed option number (either script) or label to the choice it names (DESIGN.md). */
  private mapChoice(input: UserInput, choices: Choice[]): UserInput {
    if (input.kind !== 'text' || choices.length === 0) return input;
    const t = toLatinDigits(input.text).trim();
    if (/^\d{1,2}$/.test(t) && !this.expectsNumber) {
      const c = choices[Number(t) - 1];
      if (c) return { kind: 'choice', id: c.id, text: input.text };
    }
    const norm = normalizeArabic(input.text);
    if (!norm) return input;
    for (const c of choices)
      for (const lang of ['ar', 'en'] as const)
        if (normalizeArabic(this.translator.t(c.key, lang, c.params)) === norm)
          return { kind: 'choice', id: c.id, text: input.text };
    return input;
  }
}
