/**
 * The staff console at /staff (R3c, R6, R7, R8): sign-in with `STAFF_TOKEN`, the handoffs waiting
 * for staff (claim, reply, hand back; the conversation's recent messages for the staff member
 * holding it), the requests and complaints with their status and due date, and the satisfaction
 * figures with a chart. Arabic and right-to-left by default, English on request (`?lang=en`).
 * Every action writes `staff_audit`; national IDs and phones are shown masked. Without
 * `STAFF_TOKEN` every /staff page answers 503 with how to enable it.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { Profile } from '../domain/profile.js';
import type { Lang } from '../domain/text.js';
import type { Engine } from '../engine/engine.js';
import type { Translator } from '../i18n.js';
import { CASE_STATUSES, complaintCounts, listCases } from './cases.query.js';
import { ConsoleAuth, EMPLOYEE_NUMBER, FailureLimiter, parseCookies, SESSION_COOKIE, type StaffSession } from './console.auth.js';
import {
  CSS_HASH,
  casesPage,
  disabledPage,
  errorPage,
  handoffsPage,
  satisfactionPage,
  signinPage,
  type ViewContext,
} from './console.views.js';
import { type ConversationItem, type HandoffRefusal, HandoffService } from './handoff.service.js';
import { satisfactionFigures } from './satisfaction.js';
import { audit } from './staff-audit.js';

/** What the console needs from the service. */
export interface StaffRouterDeps {
  /** `STAFF_TOKEN`; without it the console is disabled (503). */
  staffToken?: string;
  db: Db;
  profile: Profile;
  translator: Translator;
  engine: Pick<Engine, 'staffReply' | 'handBack'>;
  logger: Logger;
  clock?: () => Date;
  /** How long a sign-in lasts (default 12 hours). */
  sessionTtlMs?: number;
}

const LANG_COOKIE = 'staff_lang';

/** The staff id of a console user in handoffs and the audit. */
export function consoleStaffId(employee: string): string {
  return `web:${employee}`;
}

const FLASH_OK = { claimed: 'flash.claimed', replied: 'flash.replied', handedBack: 'flash.handedBack' } as const;
const FLASH_ERROR: Record<HandoffRefusal | 'csrf', string> = {
  'HANDOFF.NOT_FOUND': 'flash.notFound',
  'HANDOFF.CLOSED': 'flash.closed',
  'HANDOFF.TAKEN': 'flash.taken',
  'HANDOFF.EMPTY_REPLY': 'flash.emptyReply',
  csrf: 'flash.csrf',
};

/** The console's routes (mount at the root: `http.use(staffRouter(...))`). */
export function staffRouter(deps: StaffRouterDeps): Router {
  const router = express.Router();
  const { staffToken, translator, profile, db, logger } = deps;
  const clock = deps.clock ?? (() => new Date());

  router.use('/staff', (_req, res, next) => {
    res.set({
      'Content-Security-Policy': `default-src 'none'; style-src '${CSS_HASH}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    });
    next();
  });

  if (!staffToken) {
    router.use('/staff', (_req, res) => {
      res.status(503).type('html').send(disabledPage(translator));
    });
    return router;
  }

  const auth = new ConsoleAuth(staffToken, deps.sessionTtlMs);
  const limiter = new FailureLimiter();
  const service = new HandoffService({ db, engine: deps.engine, clock });
  const form = express.urlencoded({ extended: false, limit: '32kb' });

  const secure = (req: Request) => (req.secure ? '; Secure' : '');

  /** The language of the page: `?lang=` (remembered in a cookie), else the cookie, else Arabic. */
  function langOf(req: Request, res: Response): Lang {
    const q = req.query.lang;
    if (q === 'ar' || q === 'en') {
      res.append('Set-Cookie', `${LANG_COOKIE}=${q}; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=31536000${secure(req)}`);
      return q;
    }
    return parseCookies(req.headers.cookie)[LANG_COOKIE] === 'en' ? 'en' : 'ar';
  }

  function sessionOf(req: Request): StaffSession | null {
    return auth.verify(parseCookies(req.headers.cookie)[SESSION_COOKIE], clock());
  }

  function view(req: Request, res: Response, session: StaffSession | null): ViewContext {
    return {
      lang: langOf(req, res),
      translator,
      profile,
      employee: session?.employee ?? null,
      formToken: session ? auth.formToken(session) : null,
      path: req.path,
      now: clock(),
    };
  }

  function page(res: Response, body: string, status = 200): void {
    res.status(status).type('html').send(body);
  }

  /** Pages behind sign-in: GET goes to the sign-in page, anything else is refused. */
  function requireSession(req: Request, res: Response): StaffSession | null {
    const session = sessionOf(req);
    if (session) return session;
    if (req.method === 'GET') res.redirect(303, '/staff/signin');
    else {
      const ctx = view(req, res, null);
      page(res, signinPage(ctx, translator.t('console:signin.expired', ctx.lang)), 401);
    }
    return null;
  }

  router.get('/staff', (req, res) => {
    res.redirect(303, sessionOf(req) ? '/staff/handoffs' : '/staff/signin');
  });

  router.get('/staff/signin', (req, res) => {
    const session = sessionOf(req);
    if (session) {
      res.redirect(303, '/staff/handoffs');
      return;
    }
    page(res, signinPage(view(req, res, null)));
  });

  router.post('/staff/signin', form, async (req, res) => {
    const now = clock();
    const ctx = view(req, res, null);
    const client = req.ip ?? 'unknown';
    const body = (req.body ?? {}) as Record<string, unknown>;
    const employee = typeof body.employee === 'string' ? body.employee.trim() : '';
    const token = typeof body.token === 'string' ? body.token : '';
    if (!limiter.allowed(client, now)) {
      page(res, signinPage(ctx, translator.t('console:signin.tooMany', ctx.lang), employee), 429);
      return;
    }
    if (!EMPLOYEE_NUMBER.test(employee)) {
      page(res, signinPage(ctx, translator.t('console:signin.badStaffId', ctx.lang)), 400);
      return;
    }
    if (!auth.checkToken(token)) {
      limiter.fail(client, now);
      await audit(db, {
        staffId: consoleStaffId(employee),
        action: 'console.signin_failed',
        subjectType: 'console',
        subjectId: 'signin',
        at: now,
      });
      logger.warn({ event: 'staff_signin_failed' }, 'staff console sign-in refused');
      page(res, signinPage(ctx, translator.t('console:signin.wrong', ctx.lang), employee), 401);
      return;
    }
    limiter.reset(client);
    await audit(db, {
      staffId: consoleStaffId(employee),
      action: 'console.signin',
      subjectType: 'console',
      subjectId: 'signin',
      at: now,
    });
    res.append(
      'Set-Cookie',
      `${SESSION_COOKIE}=${auth.issue(employee, now)}; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=${auth.maxAgeSeconds}${secure(req)}`,
    );
    res.redirect(303, '/staff/handoffs');
  });

  router.post('/staff/signout', form, async (req, res) => {
    const session = requireSession(req, res);
    if (!session) return;
    if (auth.checkFormToken(session, (req.body as Record<string, unknown> | undefined)?._token))
      await audit(db, {
        staffId: consoleStaffId(session.employee),
        action: 'console.signout',
        subjectType: 'console',
        subjectId: 'signout',
        at: clock(),
      });
    res.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=0${secure(req)}`);
    res.redirect(303, '/staff/signin');
  });

  router.get('/staff/handoffs', async (req, res) => {
    const session = requireSession(req, res);
    if (!session) return;
    const ctx = view(req, res, session);
    const staffId = consoleStaffId(session.employee);
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
    page(res, handoffsPage(ctx, { active, closed, messages, ...(flash ? { flash } : {}) }));
  });

  /** The three handoff actions: checked form token, the service, then back to the list with a notice. */
  router.post('/staff/handoffs/:id/:action', form, async (req, res) => {
    const session = requireSession(req, res);
    if (!session) return;
    const id = String(req.params.id ?? '');
    const action = String(req.params.action ?? '');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const back = (flash: string, caseId: string, anchor?: string) =>
      res.redirect(303, `/staff/handoffs?flash=${encodeURIComponent(flash)}&case=${caseId}${anchor ? `#h-${anchor}` : ''}`);
    if (!auth.checkFormToken(session, body._token)) {
      back('csrf', id.slice(0, 8));
      return;
    }
    const staffId = consoleStaffId(session.employee);
    if (action === 'claim') {
      const r = await service.claim(id, staffId);
      if (r.ok) back('claimed', r.handoff.caseId, r.handoff.id);
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
      const session = requireSession(req, res);
      if (!session) return;
      const ctx = view(req, res, session);
      const allowed: readonly string[] = CASE_STATUSES[kind];
      const status = typeof req.query.status === 'string' && allowed.includes(req.query.status) ? req.query.status : '';
      const pageNo = Number(req.query.page ?? 1);
      const data = await listCases(db, profile, kind, {
        ...(status ? { status } : {}),
        page: Number.isFinite(pageNo) ? pageNo : 1,
      });
      page(res, casesPage(ctx, kind, data, status));
    });

  router.get('/staff/satisfaction', async (req, res) => {
    const session = requireSession(req, res);
    if (!session) return;
    const ctx = view(req, res, session);
    const [figures, complaints] = await Promise.all([satisfactionFigures(db), complaintCounts(db)]);
    page(res, satisfactionPage(ctx, figures, complaints));
  });

  // One place for unexpected errors of the console: a plain page, the error's class in the log.
  router.use('/staff', (err: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    logger.error({ err: err instanceof Error ? err.name : 'unknown' }, 'staff console request failed');
    const status = (err as { status?: number }).status;
    page(res, errorPage(view(req, res, sessionOf(req))), status && status >= 400 && status < 500 ? status : 500);
  });

  return router;
}
