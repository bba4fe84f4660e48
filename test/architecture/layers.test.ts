/**
 * The layers in the README are a checked fact: dependency-cruiser runs over src/ and flows/ with the
 * allow-lists of .dependency-cruiser.cjs (also `npm run layers`, part of `npm test`). These tests
 * show that the check bites: a file with a forbidden import, or two folders importing each other,
 * make it fail. The probes are written into a scratch copy of the layout (with the real config and
 * node_modules), so the real tree is never touched while other tests read it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');
const config = path.join(root, '.dependency-cruiser.cjs');

/** Runs the cruiser in `cwd` over `targets`; resolves with its exit code and report. */
async function cruise(cwd: string, targets: string[], extra: string[] = []): Promise<{ code: number; out: string }> {
  try {
    const r = await run(depcruise, [...targets, '--config', config, '--output-type', 'err', ...extra], { cwd });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

let scratch: string | null = null;

/** A scratch project with these files (path → source), the real node_modules and a tsconfig. */
function project(files: Record<string, string>): string {
  scratch = mkdtempSync(path.join(tmpdir(), 'layers-'));
  symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'));
  writeFileSync(
    path.join(scratch, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  );
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    writeFileSync(path.join(scratch, file), source);
  }
  return scratch;
}

afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = null;
});

describe('layers (dependency-cruiser)', () => {
  it('passes on the code base as it is (known debts listed in .dependency-cruiser-known-violations.json)', async () => {
    const r = await cruise(root, ['src', 'flows'], ['--ignore-known']);
    expect(r.out).not.toMatch(/error/);
    expect(r.code).toBe(0);
  }, 60_000);

  it('accepts a dialogue that imports only xstate and the domain', async () => {
    const cwd = project({
      'src/domain/text.ts': 'export type Lang = "ar" | "en";\n',
      'flows/ok.machine.ts':
        'import { setup } from "xstate";\nimport type { Lang } from "../src/domain/text.js";\nexport const l: Lang = "ar";\nexport const s = setup;\n',
    });
    const r = await cruise(cwd, ['src', 'flows']);
    expect(r.code, r.out).toBe(0);
  });

  it('fails when a dialogue imports the database', async () => {
    const cwd = project({
      'src/db/database.ts': 'export const db = 1;\n',
      'flows/bad.machine.ts': 'import { db } from "../src/db/database.js";\nexport const x = db;\n',
    });
    const r = await cruise(cwd, ['src', 'flows']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('layer:flows: flows/bad.machine.ts → src/db/database.ts');
  });

  it('fails when the domain imports a layer above it (even for a type)', async () => {
    const cwd = project({
      'src/engine/engine.ts': 'export interface Engine { run(): void }\n',
      'src/domain/bad.ts': 'import type { Engine } from "../engine/engine.js";\nexport type E = Engine;\n',
    });
    const r = await cruise(cwd, ['src']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('layer:src/domain: src/domain/bad.ts → src/engine/engine.ts');
  });

  it('fails when a channel adapter reads the database', async () => {
    const cwd = project({
      'src/db/database.ts': 'export const db = 1;\n',
      'src/channels/x/x.channel.ts': 'import { db } from "../../db/database.js";\nexport const x = db;\n',
    });
    const r = await cruise(cwd, ['src']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('layer:src/channels: src/channels/x/x.channel.ts → src/db/database.ts');
  });

  it('fails on a cycle between two folders, even when no module cycle exists', async () => {
    // reports → exports by one module, exports → reports by another: no module imports itself back.
    const cwd = project({
      'src/reports/a.ts': 'import { d } from "../exports/d.js";\nexport const a = d;\n',
      'src/reports/b.ts': 'export const b = 2;\n',
      'src/exports/c.ts': 'import { b } from "../reports/b.js";\nexport const c = b;\n',
      'src/exports/d.ts': 'export const d = 1;\n',
    });
    const r = await cruise(cwd, ['src']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('no-folder-cycle');
    expect(r.out).not.toContain('no-module-cycle');
  });
});
