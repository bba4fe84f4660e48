/**
 * Issue 12: `npm run cli -- profile check <file>` — a broken profile names each wrong field and the
 * reason (exit 1); each shipped profile is usable (exit 0) and the report lists only what the
 * association must still supply: its `supply` list, the FAQ answers marked "supply", the working
 * hours and the board approval where the policy gives none (R11).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profileCheckReport } from '../../src/profile-check.js';
import { PROFILES_DIR, REPO_ROOT, shippedProfiles } from './seed-text.js';

const dir = mkdtempSync(path.join(tmpdir(), 'profile-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (file: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'profile', 'check', file], { cwd: REPO_ROOT, encoding: 'utf8' });
/** The bullet lines of a report, isolates removed. */
const bullets = (text: string) =>
  text
    .replace(/[\u2068\u2069]/g, '')
    .split('\n')
    .filter((l) => l.startsWith('• '));

/** The parts of a raw profile these tests break. */
interface Raw {
  committees: [{ deadline: unknown }];
  requestTypes: [{ committee: string; membersOnly?: boolean; fields: { id: string }[] }];
  faq: [{ answer?: unknown }];
  officers: [{ branches?: string[] }];
  membership?: unknown;
  policy: { seed: string; approval: { date: string } };
}

/** A copy of the cooperative's profile (seed 002), broken by `mutate`. */
function broken(mutate: (p: Raw) => void): string {
  const p = JSON.parse(readFileSync(path.join(PROFILES_DIR, '002-safwa-cooperative.json'), 'utf8'));
  mutate(p);
  const file = path.join(dir, `broken-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(p));
  return file;
}

describe('profile check on a broken profile', () => {
  it('names every wrong field and the reason, and exits 1 (CLI)', () => {
    const file = broken((p) => {
      p.committees[0].deadline = { kind: 'soon' };
      p.policy.approval.date = '18/7/2021';
    });
    const r = cli(file);
    expect(r.status).toBe(1);
    const lines = bullets(r.stdout);
    expect(lines.some((l) => l.includes('committees.0.deadline.kind'))).toBe(true);
    expect(lines.some((l) => l.includes('policy.approval.date') && l.includes('YYYY-MM-DD'))).toBe(true);
    expect(r.stdout).toContain('غير صالح');
  });

  it.each([
    [(p: Raw) => delete p.faq[0].answer, 'faq.0.answer', 'supply'],
    [
      (p: Raw) => {
        p.requestTypes[0].membersOnly = true;
        delete p.membership;
      },
      'requestTypes.0.membersOnly',
      'membership',
    ],
    [
      (p: Raw) => (p.requestTypes[0].fields = p.requestTypes[0].fields.filter((f: { id: string }) => f.id !== 'contact_channel')),
      'requestTypes.0.fields',
      'contact channel',
    ],
    [(p: Raw) => (p.policy.seed = 'policy.txt'), 'policy.seed', 'seed file name'],
    [(p: Raw) => (p.policy.approval.date = '18/7/2021'), 'policy.approval.date', 'YYYY-MM-DD'],
    [(p: Raw) => (p.officers[0].branches = ['north']), 'officers.0.branches.0', 'unknown branch'],
    [(p: Raw) => (p.requestTypes[0].committee = 'nowhere'), 'requestTypes.0.committee', 'unknown committee "nowhere"'],
  ])('given a broken field (%#), then it names %s and why', (mutate, field, reason) => {
    const r = profileCheckReport(broken(mutate));
    expect(r.code).toBe(1);
    expect(bullets(r.text).find((l) => l.includes(`الحقل ${field}:`))).toContain(reason);
  });

  it('given a file that is not JSON, then it says so and exits 1', () => {
    const file = path.join(dir, 'not.json');
    writeFileSync(file, '{ "id": ');
    const r = cli(file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/cannot read JSON/);
  });
});

describe.each(shippedProfiles())('profile check on $file', ({ file, json }) => {
  it('is usable and lists only what the association must supply', () => {
    const r = profileCheckReport(path.join(PROFILES_DIR, file));
    expect(r.code).toBe(0);
    // What the profile itself marks as to be supplied, read from its JSON.
    const p = json as {
      supply?: { id: string }[];
      faq: { supply?: boolean }[];
      workingHours?: unknown;
      policy: { approval?: unknown };
    };
    const expected = [
      ...(p.supply ?? []).map((s) => `supply.${s.id}`),
      ...p.faq.flatMap((f, i) => (f.supply ? [`faq.${i}.answer`] : [])),
      ...(p.workingHours ? [] : ['workingHours']),
      ...(p.policy.approval ? [] : ['policy.approval']),
    ];
    const listed = bullets(r.text).map((l) => l.match(/\[([^\]]+)\]$/)?.[1]);
    expect(listed).toEqual(expected);
    expect(r.text).toContain('على الجمعية أن تزوّد');
  });
});

describe('profile check (CLI) on the default profile', () => {
  it('exits 0 and names the association', () => {
    const r = cli('src/profiles/002-safwa-cooperative.json');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('الجمعية التعاونية متعددة الأغراض بصفوى');
    expect(r.stdout).toContain('2020/7');
  });
});
