/**
 * The back office's HTTP surface: the signed decisions webhook and the read API for the
 * association's own systems, mounted on the app's Express instance by the composition root.
 */
import type express from 'express';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { ReadClient } from '../db/prisma.js';
import type { Profile } from '../domain/profile.js';
import type { Engine } from '../engine/engine.js';
import type { Translator } from '../i18n.js';
import { DecisionService } from '../notify/decisions.js';
import { complaintsRouter } from './complaints.routes.js';
import { decisionsRouter } from './decisions.routes.js';
import { requestsRouter } from './requests.routes.js';

/** What the back-office routes need from the app. */
export interface BackOfficeDeps {
  db: Db;
  /** The read side's Prisma Client, opened on first use. */
  read: () => Promise<ReadClient>;
  profile: Profile;
  engine: Pick<Engine, 'interrupt'>;
  translator: Translator;
  logger: Logger;
  /** `DECISIONS_SECRET`; the decisions route answers 503 without it. */
  decisionsSecret?: string;
  /** `API_TOKEN`; the requests routes answer 503 without it. */
  apiToken?: string;
  clock?: () => Date;
  /** Wakes the outbox dispatcher after a commit. */
  onCommitted?: () => void;
}

/** Mounts `POST /api/v1/decisions`, `GET /api/v1/requests[/:ref]` and `GET /api/v1/complaints[/:ref]`; returns the decision service. */
export function mountBackOffice(http: express.Express, deps: BackOfficeDeps): DecisionService {
  const decisions = new DecisionService(deps);
  http.use(decisionsRouter({ decisions, logger: deps.logger, secret: deps.decisionsSecret, clock: deps.clock }));
  http.use(
    requestsRouter({ read: deps.read, profile: deps.profile, logger: deps.logger, apiToken: deps.apiToken, clock: deps.clock }),
  );
  http.use(
    complaintsRouter({ read: deps.read, profile: deps.profile, logger: deps.logger, apiToken: deps.apiToken, clock: deps.clock }),
  );
  return decisions;
}
