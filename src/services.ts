/** The read services the dialogues use, backed by the database and the profile's search index. */
import { CaseRepository } from './db/cases.repository.js';
import type { Db } from './db/database.js';
import { routeIntent } from './domain/intent.js';
import type { Profile } from './domain/profile.js';
import { createFaqIndex } from './domain/search.js';
import type { EngineServices } from './engine/flow-registry.js';

/** Builds the services for a profile and a database. */
export function createServices(db: Db, profile: Profile): EngineServices {
  const cases = new CaseRepository(db, profile);
  const faq = createFaqIndex(profile);
  return {
    findOpenRequest: ({ beneficiaryId, typeId }) => cases.findOpenRequest(beneficiaryId, typeId),
    listCases: ({ beneficiaryId }) => cases.list(beneficiaryId),
    getCase: ({ beneficiaryId, ref }) => cases.get(beneficiaryId, ref),
    searchFaq: async ({ query, lang }) => faq.search(query, lang, 3),
    routeText: async ({ text }) => routeIntent(text, faq),
  };
}
