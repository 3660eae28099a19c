/**
 * The layer order of docs/architecture.md ("The layers, enforced"), as ESLint `no-restricted-imports` blocks (one per
 * folder, generated from the table below), so a wrong arrow fails `npm run lint`.
 *
 * Arrows point one way: gateway -> operations -> providers -> libs; events and connections sit
 * beside operations; everything may use database, audit, config and common (and the small
 * shared services below them). A folder may import its own rank and every rank below it, never
 * one above. Nothing imports main.ts, and only entry points import setup-app.ts. Libraries never
 * import src/, and reach another library only through its `@lib/` alias. Migrations import
 * nothing of the application: they own frozen copies of what they compute.
 */

/** Top to bottom. Folders of one rank may import each other. */
export const LAYERS = [
  ['gateway'],
  ['health'],
  ['operations', 'events', 'connections'],
  ['providers'],
  ['audit', 'database'],
  ['metrics'],
  ['logging'],
  ['tracing'],
  ['config'],
  ['common', 'problem'],
];

const ARROWS = 'arrows point gateway -> operations -> providers -> libs (see docs/architecture.md)';
const folder = (name) => `^(?:\\.\\./)+${name.replace('.', '\\.')}(?:/|$)`;

function restrictions(rank) {
  const above = LAYERS.slice(0, rank).flat();
  const own = LAYERS[rank];
  const patterns = above.map((name) => ({
    regex: folder(name),
    message: `src/${own.join(', src/')} may not import src/${name}: ${ARROWS}.`,
  }));
  patterns.push({
    regex: '^(?:\\.\\./)+(?:main|setup-app|app\\.module|cli|openapi-export|load-config|shutdown)$',
    message: `only entry points (src/*.ts) import main, setup-app, app.module or load-config: ${ARROWS}.`,
  });
  return patterns;
}

/** The restrictions of `folder`'s rank minus the import of `allowed`, for one file. */
function except(file, folderName, allowed) {
  const rank = LAYERS.findIndex((own) => own.includes(folderName));
  const patterns = restrictions(rank).filter((p) => p.regex !== folder(allowed));
  return { files: [file], rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

/**
 * Arrows that still run back up, each removed by named work in progress. Keep this empty: an
 * entry is a debt with an owner, not a permission.
 */
export const KNOWN_BACK_ARROWS = [];

export const layerBlocks = [
  ...LAYERS.map((own, rank) => ({
    files: own.map((name) => `src/${name}/**/*.ts`),
    rules: { 'no-restricted-imports': ['error', { patterns: restrictions(rank) }] },
  })),
  {
    files: ['src/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?:\\.\\./|\\./)+main$', message: `nothing imports main.ts.` }] },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?:\\.\\./){2,}src(?:/|$)',
              message: `a library never imports src/: ${ARROWS}.`,
            },
            {
              regex: '^(?:\\.\\./){2,}[\\w-]+/src(?:/|$)',
              message: 'reach another library through its @lib/ alias, not its files.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/database/migrations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?:\\.\\./|@lib/)',
              message:
                'a migration imports nothing of the application: it owns a frozen copy of what it computes.',
            },
          ],
        },
      ],
    },
  },
  ...KNOWN_BACK_ARROWS,
];
