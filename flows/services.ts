/**
 * The read services as the machines declare them: placeholders typed from {@link FlowServices},
 * so a machine's actor and the engine's implementation cannot drift apart. The engine supplies
 * the real ones with `.provide()`.
 */
import { fromPromise } from 'xstate';
import type { FlowServices } from './types.js';

function placeholder<K extends keyof FlowServices>() {
  return fromPromise<Awaited<ReturnType<FlowServices[K]>>, Parameters<FlowServices[K]>[0]>(async () => {
    throw new Error('provided by the engine');
  });
}

/** Placeholders for every read service, by the name the engine provides it under. */
export const serviceActors = {
  findOpenRequest: placeholder<'findOpenRequest'>(),
  listCases: placeholder<'listCases'>(),
  getCase: placeholder<'getCase'>(),
  searchFaq: placeholder<'searchFaq'>(),
};
