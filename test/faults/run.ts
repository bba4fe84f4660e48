/**
 * `npm run faults`: replays the delivery faults of issue 10 against real service processes and
 * fake platform servers, and prints one row per scenario. `--quick` runs the short version (CI
 * runs it inside `npm test` through faults.quick.test.ts). PostgreSQL scenarios run when
 * TEST_POSTGRES_URL is set (one schema per run).
 */
import { type FaultDb, type FaultRow, postgresDb, sqliteDb } from './harness.js';
import { backlog, hungSend, killMidBurst, outage, type Size, twoInstances } from './scenarios.js';

/** The scenarios of a run, in order. */
export function plan(size: Size, pgUrl: string | undefined): (() => Promise<FaultRow>)[] {
  const pg = (): Promise<FaultDb> => postgresDb(pgUrl ?? '');
  return [
    () => backlog(size, sqliteDb()),
    () => hungSend(size, sqliteDb()),
    () => killMidBurst(size, sqliteDb()),
    () => outage(size, sqliteDb()),
    ...(pgUrl ? [async () => twoInstances(size, await pg(), 'one'), async () => twoInstances(size, await pg(), 'many')] : []),
  ];
}

/** The rows as a Markdown table. */
export function table(rows: FaultRow[]): string {
  const head =
    '| scenario | messages in | replies out | duplicates | lost | reordered | longest bystander wait | expected | held | time |\n|---|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.scenario} | ${r.messagesIn} | ${r.repliesOut} | ${r.duplicates} | ${r.lost} | ${r.reordered} | ${
        r.bystanderWaitMs === null ? '–' : `${(r.bystanderWaitMs / 1000).toFixed(2)} s`
      } | ${r.expect} | ${r.ok ? 'yes' : '**no**'} | ${r.seconds} s |`,
  );
  return [head, ...lines].join('\n');
}

async function main(): Promise<void> {
  const size: Size = process.argv.includes('--quick') ? 'quick' : 'full';
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  const rows: FaultRow[] = [];
  for (const [i, scenario] of plan(size, process.env.TEST_POSTGRES_URL).entries()) {
    if (only !== undefined && !only.split(',').includes(String(i + 1))) continue;
    const row = await scenario();
    rows.push(row);
    console.error(`${row.ok ? 'ok  ' : 'FAIL'} ${row.scenario} (${row.seconds} s)`);
  }
  console.log(table(rows));
  process.exit(rows.every((r) => r.ok) ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
