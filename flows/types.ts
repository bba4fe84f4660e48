/**
 * The contract between the dialogue machines and the engine lives in the domain
 * (`src/domain/flow-contract.ts`), so that `src/` depends on the domain and not on `flows/`. This
 * file re-exports it for the machines.
 */
export * from '../src/domain/flow-contract.js';
