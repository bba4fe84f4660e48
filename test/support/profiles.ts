/**
 * The profile most tests run with: test/fixtures/profiles/composite.json, the former default, a
 * composite of several seeds (000's committee and deadline, 002's complaints, 004's programmes)
 * with content no single policy states. It exercises the engine (five request types, every field
 * type, eligibility questions, 30 FAQ entries); it is a test fixture, never shipped. The shipped
 * profiles, one per seed policy, are in src/profiles and tested against their seeds in
 * test/profiles (issue 12).
 */
import path from 'node:path';

export const TEST_PROFILE = path.resolve(import.meta.dirname, '../fixtures/profiles/composite.json');

/** A shipped profile by file name (without .json), e.g. `002-safwa-cooperative`. */
export const shippedProfile = (name: string): string => path.resolve(import.meta.dirname, `../../src/profiles/${name}.json`);
