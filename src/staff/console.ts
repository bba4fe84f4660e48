/**
 * The whole staff console as one router: the core (sign-in, handoffs, lists, accounts) with the
 * case pages added to it. The composition root mounts this; tests may mount it on their own app.
 */
import type { Router } from 'express';
import { type StaffRouterDeps, staffRouter } from './console.routes.js';

/** The staff console's router with every part. */
export function staffConsole(deps: StaffRouterDeps): Router {
  return staffRouter(deps, []);
}
