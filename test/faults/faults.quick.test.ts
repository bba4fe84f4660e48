/**
 * The quick fault suite (`npm run faults -- --quick` in CI): the scenarios of issue 10 at a small
 * scale against real service processes and the fake Bot API; each row must hold what the
 * acceptance asks. The full suite (`npm run faults`) runs them at the acceptance's size.
 */
import { describe, expect, it } from 'vitest';
import { plan, table } from './run.js';

describe('faults (quick)', () => {
  const scenarios = plan('quick', process.env.TEST_POSTGRES_URL);
  it.each(scenarios.map((s, i) => [i + 1, s] as const))(
    'scenario %i holds',
    async (_i, scenario) => {
      const row = await scenario();
      console.info(table([row]));
      expect(row, table([row])).toMatchObject({ ok: true });
    },
    300_000,
  );
});
