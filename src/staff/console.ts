/**
 * The whole staff console as one router: the core (sign-in, handoffs, lists, accounts) with the
 * case pages added to it. The composition root mounts this.
 */
import type { Router } from 'express';
import { caseRoutes } from './case.routes.js';
import { type StaffRouterDeps, staffRouter } from './console.routes.js';
import { reportRoutes } from './reports.routes.js';

/** What the whole console needs: the core's dependencies and the attachment store's reader. */
export interface StaffConsoleDeps extends StaffRouterDeps {
  /** Reads a stored attachment by its key (documents of a case). */
  readAttachment?: (key: string) => Promise<Buffer>;
}

/** The staff console's router with every part. */
export function staffConsole(deps: StaffConsoleDeps): Router {
  return staffRouter(deps, [caseRoutes(deps.readAttachment ? { readAttachment: deps.readAttachment } : {}), reportRoutes]);
}
