/**
 * The layers of the code base, checked in `npm test` (test/architecture/layers.test.ts runs
 * `npm run layers`). Each folder has an allow-list of what it may import; anything else is an
 * error. Type-only imports count: a contract type lives where both sides may reach it (the domain).
 *
 *   flows/          → xstate, flows/, src/domain                         (pure dialogues)
 *   src/domain      → src/domain and a few pure libraries               (depends on nothing above it)
 *   src/db          → src/domain, the database drivers, Prisma          (all SQL lives here)
 *   src/engine      → flows/, src/domain, src/db, i18n, metrics
 *   src/channels    → engine contracts, src/domain, attachments, inbox; no database
 *   …               → see the rules below
 *
 * No cycles between folders, and none between modules.
 */

/** A path regex for "one of these folders" (relative to the project root). */
const under = (...folders) => `^(${folders.map((f) => f.replace(/[.]/g, '\\.')).join('|')})(/|$)`;
/** What every folder may use: Node's built-ins and the npm packages not named in a rule. */
const COMMON = ['node_modules'];

/** Per folder, what it may import besides itself and Node's built-ins. */
const ALLOW = {
  flows: ['flows', 'src/domain', 'node_modules/xstate'],
  'src/domain': [
    'src/domain',
    'node_modules/@orama',
    'node_modules/zod',
    'node_modules/xstate',
  ],
  'src/db': ['src/db', 'src/domain', 'generated', ...COMMON],
  'src/engine': ['src/engine', 'flows', 'src/domain', 'src/db', 'src/i18n.ts', 'src/metrics.ts', ...COMMON],
  'src/channels': [
    'src/channels',
    'src/engine/messages.ts',
    'src/engine/engine.ts',
    'src/engine/alert-text.ts',
    'src/engine/ports.ts',
    'src/domain',
    'src/attachments',
    'src/inbox',
    'src/i18n.ts',
    'src/metrics.ts',
    'src/config.ts',
    ...COMMON,
  ],
  'src/lanes': ['src/lanes', 'src/db', ...COMMON],
  'src/inbox': ['src/inbox', 'src/lanes', 'src/engine/messages.ts', 'src/engine/engine.ts', 'src/engine/ports.ts', 'src/db', 'src/domain', ...COMMON],
  'src/outbox': [
    'src/outbox',
    'src/lanes',
    'src/channels/channel.ts',
    'src/engine/messages.ts',
    'src/engine/ports.ts',
    'src/db',
    'src/domain',
    'src/metrics.ts',
    ...COMMON,
  ],
  'src/notify': ['src/notify', 'src/engine', 'flows', 'src/db', 'src/domain', 'src/i18n.ts', ...COMMON],
  'src/scheduler': ['src/scheduler', 'src/notify', 'src/engine', 'src/db', 'src/domain', 'src/i18n.ts', ...COMMON],
  'src/api': ['src/api', 'src/notify', 'src/engine', 'src/db', 'src/domain', 'src/i18n.ts', ...COMMON],
  'src/staff': ['src/staff', 'src/notify', 'src/engine', 'src/db', 'src/domain', 'src/i18n.ts', 'src/config.ts', ...COMMON],
  'src/attachments': ['src/attachments', ...COMMON],
};

const folderRules = Object.entries(ALLOW).map(([folder, allowed]) => ({
  name: `layer:${folder}`,
  comment: `${folder} may import only: ${allowed.join(', ')} (and Node built-ins)`,
  severity: 'error',
  from: { path: under(folder) },
  to: { pathNot: under(...allowed), dependencyTypesNot: ['core'] },
}));

module.exports = {
  forbidden: [
    ...folderRules,
    {
      name: 'no-folder-cycle',
      comment: 'folders depend on each other in one direction only',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      comment: 'modules do not import each other in a circle',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-test-imports',
      comment: 'the application never imports test code',
      severity: 'error',
      from: { path: under('src', 'flows') },
      to: { path: under('test') },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve is a bug (or a missing dependency)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)generated/' },
    tsPreCompilationDeps: true,
    // Keep node_modules paths as written (a linked node_modules stays under node_modules/).
    preserveSymlinks: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
