/**
 * The staff console at /staff (issue 13; R3c, R6, R7, R8): named accounts with roles, sessions in
 * the database, a form token on every form, sign-in throttled and locked; the handoffs waiting for
 * staff (claim, reply, hand back, a manager's take-over); the requests and complaints a staff
 * member may see, each with its whole case page (src/staff/case.routes.ts); the reports.
 * Arabic and right-to-left by default, English on request (`?lang=en`). Every sign-in and every
 * view of a case or a document writes `staff_audit`.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { audit, type StaffAction } from '../db/audit.repository.js';
import type { Db } from '../db/database.js';
import { ComplaintAlertsRepository } from '../db/staff-cases.repository.js';
import { CASE_STATUSES } from '../domain/case-lifecycle.js';
import type { Profile } from '../domain/profile.js';
import type { Lang } from '../domain/text.js';
import type { Engine } from '../engine/engine.js';
import type { Translator } from '../i18n.js';
import type { DecisionService } from '../notify/decisions.js';
import { canSeeCase, caseCategory, isAdmin, isManager, seesCases } from './access.js';
import { AccountService, MIN_PASSWORD, staffIdOf } from './accounts.js';
import { complaintCounts, listCases } from './cases.query.js';
import { parseCookies, SESSION_COOKIE, SessionStore, type StaffSession } from './console.auth.js';
import {
  accountsPage,
  CSS_HASH,
  casesPage,
  errorPage,
  forbiddenPage,
  handoffsPage,
  satisfactionPage,
  setupPage,
  signinPage,
  type ViewContext,
} from './console.views.js';
import { type ConversationItem, type HandoffRefusal, HandoffService } from './handoff.service.js';
import { satisfactionFigures } from './satisfaction.js';

/** What the console needs from the service. */
export interface StaffRouterDeps {
  db: Db;
  profile: Profile;
  translator: Translator;
  engine: Pick<Engine, 'staffReply' | 'handBack'>;
  /** The decisions service of the webhook: a decision from the console takes the same path. */
  decisions?: DecisionService;
  logger: Logger;
  clock?: () => Date;
  /** How long a sign-in lasts at most (default 12 hours). */
  sessionTtlMs?: number;
  /** How long an unused session lasts (default 1 hour). */
  sessionIdleMs?: number;
  /** Called after a commit that queued outbound messages (wakes the dispatcher). */
  onCommitted?: () => void;
}

const LANG_COOKIE = 'staff_lang';

const FLASH_OK = {
  claimed: 'flash.claimed',
  replied: 'flash.replied',
  handedBack: 'flash.handedBack',
  takenOver: 'flash.takenOver',
} as const;
const FLASH_ERROR: Record<HandoffRefusal | 'csrf' | 'forbidden', string> = {
  'HANDOFF.NOT_FOUND': 'flash.notFound',
  'HANDOFF.CLOSED': 'flash.closed',
  'HANDOFF.TAKEN': 'flash.taken',
  'HANDOFF.EMPTY_REPLY': 'flash.emptyReply',
  csrf: 'flash.csrf',
  forbidden: 'flash.forbidden',
};

/** What the case pages and reports share with the console's core (src/staff/case.routes.ts). */
export interface ConsoleKit {
  deps: StaffRouterDeps;
  clock: () => Date;
  form: express.RequestHandler;
  sessions: SessionStore;
  /** The session of a page behind sign-in, or null after answering (redirect or 401). */
  requireSession(req: Request, res: Response): Promise<StaffSession | null>;
  view(req: Request, res: Response, session: StaffSession | null): ViewContext;
  page(res: Response, body: string, status?: number): void;
  /** Answers 403 with a plain page. */
  forbidden(req: Request, res: Response, session: StaffSession): void;
  /** True when the form token of a POST belongs to the session; answers 403 otherwise. */
  checkForm(req: Request, res: Response, session: StaffSession): boolean;
  audit(
    session: StaffSession,
    action: StaffAction,
    subjectType: string,
    subjectId: string,
    details?: Record<string, string | number | boolean>,
  ): Promise<void>;
}

/** The console's routes (mount at the root: `http.use(staffRouter(...))`). */
export function staffRouter(deps: StaffRouterDeps, extend: ((router: Router, kit: ConsoleKit) => void)[] = []): Router {
  const router = express.Router();
  const { translator, profile, db, logger } = deps;
  const clock = deps.clock ?? (() => new Date());

  router.use('/staff', (_req, res, next) => {
    res.set({
      'Content-Security-Policy': `default-src 'none'; style-src '${CSS_HASH}'; img-src 'self' data:; script-src 'self'; connect-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    });
    next();
  });

  const accounts = new AccountService(db);
  const sessions = new SessionStore(db, deps.sessionTtlMs, deps.sessionIdleMs);
  const service = new HandoffService({ db, engine: deps.engine, clock });
  const form = express.urlencoded({ extended: false, limit: '32kb' });
  const complaintAlerts = new ComplaintAlertsRepository(db);

  // Secure when the request came over TLS (directly, or through a proxy the app trusts).
  const secure = (req: Request) => (req.secure ? '; Secure' : '');
  const address = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

  /** The language of the page: `?lang=` (remembered in a cookie), else the cookie, else Arabic. */
  function langOf(req: Request, res: Response): Lang {
    const q = req.query.lang;
    if (q === 'ar' || q === 'en') {
      res.append('Set-Cookie', `${LANG_COOKIE}=${q}; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=31536000${secure(req)}`);
      return q;
    }
    return parseCookies(req.headers.cookie)[LANG_COOKIE] === 'en' ? 'en' : 'ar';
  }

  function sessionOf(req: Request): Promise<StaffSession | null> {
    return sessions.resolve(parseCookies(req.headers.cookie)[SESSION_COOKIE], clock());
  }

  function view(req: Request, res: Response, session: StaffSession | null): ViewContext {
    return {
      lang: langOf(req, res),
      translator,
      profile,
      staff: session ? session.account : null,
      formToken: session ? session.csrfToken : null,
      path: req.path,
      now: clock(),
    };
  }

  function page(res: Response, body: string, status = 200): void {
    res.status(status).type('html').send(body);
  }

  /** Pages behind sign-in: GET goes to the sign-in page, anything else is refused. */
  async function requireSession(req: Request, res: Response): Promise<StaffSession | null> {
    const session = await sessionOf(req);
    if (session) return session;
    if (req.method === 'GET') res.redirect(303, '/staff/signin');
    else {
      const ctx = view(req, res, null);
      page(res, signinPage(ctx, { error: translator.t('console:signin.expired', ctx.lang) }), 401);
    }
    return null;
  }

  function forbidden(req: Request, res: Response, session: StaffSession): void {
    page(res, forbiddenPage(view(req, res, session)), 403);
  }

  function checkForm(req: Request, res: Response, session: StaffSession): boolean {
    if (sessions.checkFormToken(session, (req.body as Record<string, unknown> | undefined)?._token)) return true;
    const ctx = view(req, res, session);
    page(res, errorPage(ctx, translator.t('console:flash.csrf', ctx.lang)), 403);
    return false;
  }

  const kit: ConsoleKit = {
    deps,
    clock,
    form,
    sessions,
    requireSession,
    view,
    page,
    forbidden,
    checkForm,
    audit: (session, action, subjectType, subjectId, details) =>
      audit(db, {
        staffId: staffIdOf(session.account.login),
        action,
        subjectType,
        subjectId,
        ...(details ? { details } : {}),
        at: clock(),
      }),
  };

  /** Where a staff member lands after signing in: what their role works on. */
  const home = (s: StaffSession) =>
    isAdmin(s.account) ? '/staff/accounts' : s.account.role === 'committee' ? '/staff/requests' : '/staff/handoffs';

  router.get('/staff', async (req, res) => {
    const session = await sessionOf(req);
    res.redirect(303, session ? home(session) : '/staff/signin');
  });

  router.get('/staff/signin', async (req, res) => {
    const session = await sessionOf(req);
    if (session) {
      res.redirect(303, home(session));
      return;
    }
    const noAccounts = (await accounts.repo.count()) === 0;
    page(res, signinPage(view(req, res, null), { noAccounts }));
  });

  router.post('/staff/signin', form, async (req, res) => {
    const now = clock();
    const ctx = view(req, res, null);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const login = typeof body.login === 'string' ? body.login.trim().toLowerCase().slice(0, 64) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    const r = await accounts.signIn(login, password, address(req), now);
    if (!r.ok) {
      await audit(db, {
        staffId: staffIdOf(login || '-'),
        action: r.checked ? 'console.signin_failed' : 'console.signin_locked',
        subjectType: 'console',
        subjectId: 'signin',
        details: { reason: r.reason },
        at: now,
      });
      logger.warn({ event: 'staff_signin_refused', reason: r.reason }, 'staff console sign-in refused');
      const key = r.reason === 'wrong' || r.reason === 'disabled' ? 'console:signin.wrong' : 'console:signin.tooMany';
      page(
        res,
        signinPage(ctx, { error: translator.t(key, ctx.lang), login }),
        r.reason === 'wrong' || r.reason === 'disabled' ? 401 : 429,
      );
      return;
    }
    await audit(db, {
      staffId: staffIdOf(r.account.login),
      action: 'console.signin',
      subjectType: 'console',
      subjectId: 'signin',
      at: now,
    });
    const cookie = await sessions.create(r.account.id, now);
    res.append(
      'Set-Cookie',
      `${SESSION_COOKIE}=${cookie}; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=${sessions.maxAgeSeconds}${secure(req)}`,
    );
    res.redirect(
      303,
      isAdmin(r.account) ? '/staff/accounts' : r.account.role === 'committee' ? '/staff/requests' : '/staff/handoffs',
    );
  });

  // The one-time sign-in link printed by `npm run cli -- staff add`: choose a password.
  router.get('/staff/setup', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const account = await accounts.setupAccount(token, clock());
    const ctx = view(req, res, null);
    if (!account) {
      page(res, signinPage(ctx, { error: translator.t('console:setup.invalid', ctx.lang) }), 410);
      return;
    }
    page(res, setupPage(ctx, { token, login: account.login, name: account.name }));
  });

  router.post('/staff/setup', form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const confirm = typeof body.confirm === 'string' ? body.confirm : '';
    const now = clock();
    const ctx = view(req, res, null);
    const account = await accounts.setupAccount(token, now);
    if (!account) {
      page(res, signinPage(ctx, { error: translator.t('console:setup.invalid', ctx.lang) }), 410);
      return;
    }
    if (password.length < MIN_PASSWORD || password.length > 1024 || password !== confirm) {
      const key = password !== confirm ? 'console:setup.mismatch' : 'console:setup.tooShort';
      page(res, setupPage(ctx, { token, login: account.login, name: account.name, error: translator.t(key, ctx.lang) }), 400);
      return;
    }
    const done = await accounts.completeSetup(token, password, now);
    if (!done) {
      page(res, signinPage(ctx, { error: translator.t('console:setup.invalid', ctx.lang) }), 410);
      return;
    }
    await audit(db, {
      staffId: staffIdOf(done.login),
      action: 'console.setup',
      subjectType: 'account',
      subjectId: done.id,
      at: now,
    });
    page(res, signinPage(ctx, { notice: translator.t('console:setup.done', ctx.lang), login: done.login }));
  });

  router.post('/staff/signout', form, async (req, res) => {
    const session = await requireSession(req, res);
    if (!session) return;
    if (!checkForm(req, res, session)) return;
    await kit.audit(session, 'console.signout', 'console', 'signout');
    await sessions.end(session);
    res.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=0${secure(req)}`);
    res.redirect(303, '/staff/signin');
  });

  router.get('/staff/handoffs', async (req, res) => {
    const session = await requireSession(req, res);
    if (!session) return;
    if (!seesCases(session.account)) return forbidden(req, res, session);
    const ctx = view(req, res, session);
    const staffId = staffIdOf(session.account.login);
    const [active, closed] = await Promise.all([service.listActive(), service.listClosed(10)]);
    const messages = new Map<string, ConversationItem[]>();
    for (const h of active)
      if (h.status === 'claimed' && h.claimedBy === staffId) {
        const items = await service.recentMessages(h.id, staffId);
        if (items) messages.set(h.id, items);
      }
    const code = typeof req.query.flash === 'string' ? req.query.flash : '';
    const caseId = typeof req.query.case === 'string' && /^[0-9a-f]{8}$/.test(req.query.case) ? req.query.case : '';
    const okKey = FLASH_OK[code as keyof typeof FLASH_OK];
    const errKey = FLASH_ERROR[code as keyof typeof FLASH_ERROR];
    const flash = okKey
      ? { text: translator.t(`console:${okKey}`, ctx.lang, { case: caseId }), error: false }
      : errKey
        ? { text: translator.t(`console:${errKey}`, ctx.lang, { case: caseId }), error: true }
        : undefined;
    // Complaints alerted at submission that nobody opened yet, those this account may see (issue 13).
    const newComplaints = (await complaintAlerts.unseen()).filter((c) =>
      canSeeCase(session.account, {
        kind: 'complaint',
        category: caseCategory(profile, 'complaint', c.category),
        committee: c.committee,
        assignedTo: null,
      }),
    );
    page(res, handoffsPage(ctx, { active, closed, messages, newComplaints, ...(flash ? { flash } : {}) }));
  });

  /** The handoff actions: checked form token, the service, then back to the list with a notice. */
  router.post('/staff/handoffs/:id/:action', form, async (req, res) => {
    const session = await requireSession(req, res);
    if (!session) return;
    if (!seesCases(session.account)) return forbidden(req, res, session);
    const id = String(req.params.id ?? '');
    const action = String(req.params.action ?? '');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const back = (flash: string, caseId: string, anchor?: string) =>
      res.redirect(303, `/staff/handoffs?flash=${encodeURIComponent(flash)}&case=${caseId}${anchor ? `#h-${anchor}` : ''}`);
    if (!checkForm(req, res, session)) return;
    const staffId = staffIdOf(session.account.login);
    if (action === 'claim') {
      const r = await service.claim(id, staffId);
      if (r.ok) back('claimed', r.handoff.caseId, r.handoff.id);
      else back(r.code, r.handoff?.caseId ?? '');
      return;
    }
    if (action === 'takeover') {
      // A manager takes over a conversation another staff member holds (issue 13).
      if (!isManager(session.account)) {
        back('forbidden', id.slice(0, 8));
        return;
      }
      const r = await service.takeOver(id, staffId);
      if (r.ok) back('takenOver', r.handoff.caseId, r.handoff.id);
      else back(r.code, r.handoff?.caseId ?? '');
      return;
    }
    if (action === 'reply') {
      const r = await service.reply(id, staffId, typeof body.text === 'string' ? body.text : '');
      if (r.ok) back('replied', r.handoff.caseId, r.handoff.id);
      else back(r.code, r.handoff?.caseId ?? id.slice(0, 8), r.handoff?.id);
      return;
    }
    if (action === 'handback') {
      const r = await service.handBack(id, staffId);
      if (r.ok) back('handedBack', r.handoff.caseId);
      else back(r.code, r.handoff?.caseId ?? '');
      return;
    }
    res.status(404).type('text').send('not found');
  });

  for (const kind of ['request', 'complaint'] as const)
    router.get(kind === 'request' ? '/staff/requests' : '/staff/complaints', async (req, res) => {
      const session = await requireSession(req, res);
      if (!session) return;
      if (!seesCases(session.account)) return forbidden(req, res, session);
      const ctx = view(req, res, session);
      const allowed: readonly string[] = CASE_STATUSES[kind];
      const status = typeof req.query.status === 'string' && allowed.includes(req.query.status) ? req.query.status : '';
      const pageNo = Number(req.query.page ?? 1);
      const data = await listCases(db, profile, kind, {
        ...(status ? { status } : {}),
        page: Number.isFinite(pageNo) ? pageNo : 1,
        viewer: session.account,
        now: ctx.now,
      });
      page(res, casesPage(ctx, kind, data, status));
    });

  router.get('/staff/satisfaction', async (req, res) => {
    const session = await requireSession(req, res);
    if (!session) return;
    if (!isManager(session.account)) return forbidden(req, res, session);
    const ctx = view(req, res, session);
    const [figures, complaints] = await Promise.all([satisfactionFigures(db), complaintCounts(db)]);
    page(res, satisfactionPage(ctx, figures, complaints));
  });

  router.get('/staff/accounts', async (req, res) => {
    const session = await requireSession(req, res);
    if (!session) return;
    if (!isAdmin(session.account)) return forbidden(req, res, session);
    page(res, accountsPage(view(req, res, session), await accounts.repo.list()));
  });

  for (const add of extend) add(router, kit);

  // One place for unexpected errors of the console: a plain page, the error's class in the log.
  router.use('/staff', (err: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    logger.error({ err: err instanceof Error ? err.name : 'unknown' }, 'staff console request failed');
    const status = (err as { status?: number }).status;
    page(res, errorPage(view(req, res, null)), status && status >= 400 && status < 500 ? status : 500);
  });

  return router;
}
