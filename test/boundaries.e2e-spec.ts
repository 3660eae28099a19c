import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The layer order of docs/architecture.md is in the ESLint config (eslint.layers.mjs): a wrong
 * arrow fails `npm run lint`. Each case lints a snippet as if it were the named file, with the
 * project's own eslint.config.mjs (type-aware rules switched off: the snippet is not on disk,
 * and the boundary rule needs no types).
 */
interface LintMessage {
  ruleId: string | null;
  message: string;
}

const root = resolve(__dirname, '..');

/** Lints each snippet as if it were its file, in one ESLint process; the boundary messages. */
function lintAll(cases: readonly (readonly [string, string])[]): LintMessage[][] {
  const script = `
    import { ESLint } from 'eslint';
    import tseslint from 'typescript-eslint';
    const { default: config } = await import(${JSON.stringify(pathToFileURL(resolve(root, 'eslint.config.mjs')).href)});
    const eslint = new ESLint({
      cwd: ${JSON.stringify(root)},
      overrideConfigFile: true,
      overrideConfig: [...config, tseslint.configs.disableTypeChecked],
    });
    const out = [];
    for (const [filePath, code] of JSON.parse(process.env.SNIPPETS)) {
      const [result] = await eslint.lintText(code, { filePath });
      out.push(result.messages);
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const snippets = cases.map(([file, code]) => [resolve(root, file), code]);
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, SNIPPETS: JSON.stringify(snippets) },
    encoding: 'utf8',
  });
  return (JSON.parse(out) as LintMessage[][]).map((messages) =>
    messages.filter((m) => m.ruleId === 'no-restricted-imports'),
  );
}

/** Queued by the tests at collection time, linted together once, read back by index. */
const cases: (readonly [string, string])[] = [];
let results: LintMessage[][] = [];
function lint(filePath: string, code: string): () => LintMessage[] {
  const index = cases.push([filePath, code]) - 1;
  return () => results[index];
}

const use = (names: string) => `export const used = [${names}];\n`;
const probe = (from: string, name: string) => `import { ${name} } from '${from}';\n${use(name)}`;

describe('layer boundaries in the lint config', () => {
  const operationsToGateway = lint(
    'src/operations/boundary-probe.ts',
    probe('../gateway/context/request-hooks', 'contextOf'),
  );
  const operationsToProviders = lint(
    'src/operations/callbacks/boundary-probe.ts',
    probe('../../providers/provider-ids', 'isProviderId'),
  );
  const belowGateway = ['health', 'metrics', 'logging', 'tracing'].map((folder) => ({
    folder,
    toGateway: lint(`src/${folder}/p.ts`, probe('../gateway/auth/api-key.guard', 'ApiKeyGuard')),
    toCommonHttp: lint(`src/${folder}/p.ts`, probe('../common/http/auth.decorators', 'Public')),
  }));
  const providersToOperations = lint(
    'src/providers/dms/p.ts',
    probe('../../operations/provider-resolver', 'resolveProvider'),
  );
  const configToProviders = lint(
    'src/config/p.ts',
    probe('../providers/provider-list', 'PROVIDER_DEFINITIONS'),
  );
  const databaseToOperations = lint(
    'src/database/repositories/p.ts',
    probe('../../operations/provider-resolver', 'resolveProvider'),
  );
  const libToSrc = lint(
    'libs/simulators/src/p.ts',
    probe('../../../src/providers/dms/dms.definition', 'dmsDefinition'),
  );
  const libToLibByPath = lint(
    'libs/simulators/src/p.ts',
    probe('../../redaction/src/redaction', 'redact'),
  );
  const libToLibByAlias = lint('libs/simulators/src/p.ts', probe('@lib/redaction', 'redact'));
  const migrationToAudit = lint(
    'src/database/migrations/p.ts',
    probe('../../audit/chain/audit-chain', 'rowHash'),
  );
  const gatewayToSetupApp = lint('src/gateway/openapi/p.ts', probe('../../setup-app', 'createApp'));
  const entryToSetupApp = lint('src/openapi-probe.ts', probe('./setup-app', 'createApp'));

  beforeAll(() => {
    results = lintAll(cases);
  }, 120_000);

  it('rejects operations importing gateway, and accepts operations importing providers', () => {
    expect(operationsToGateway().map((m) => m.message)).toEqual([
      "'../gateway/context/request-hooks' import is restricted from being used by a pattern. src/operations, src/events, src/connections may not import src/gateway: arrows point gateway -> operations -> providers -> libs (see docs/architecture.md).",
    ]);
    expect(operationsToProviders()).toEqual([]);
  });

  it('rejects health, metrics, logging and tracing importing gateway; common/http is theirs', () => {
    for (const { folder, toGateway, toCommonHttp } of belowGateway) {
      expect({ folder, rejected: toGateway().length }).toEqual({ folder, rejected: 1 });
      expect({ folder, rejected: toCommonHttp().length }).toEqual({ folder, rejected: 0 });
    }
  });

  it('rejects providers importing operations, config importing providers, database importing operations', () => {
    expect(providersToOperations()).toHaveLength(1);
    expect(configToProviders()).toHaveLength(1);
    expect(databaseToOperations()).toHaveLength(1);
  });

  it('rejects a library importing src/ or another library by path, and a migration importing the app', () => {
    expect(libToSrc()).toHaveLength(1);
    expect(libToLibByPath()).toHaveLength(1);
    expect(libToLibByAlias()).toEqual([]);
    expect(migrationToAudit()).toHaveLength(1);
  });

  it('rejects importing setup-app below the entry points', () => {
    expect(gatewayToSetupApp()).toHaveLength(1);
    expect(entryToSetupApp()).toEqual([]);
  });
});
