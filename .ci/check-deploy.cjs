// npm run check:deploy — validates deploy/ offline against the Kubernetes schemas
// (kubernetes-models 4.5.1, Kubernetes 1.32 OpenAPI), unknown fields included, and checks what
// the schemas cannot: the kustomization applies every manifest but no Secret, every object and
// pod template carries the recommended app.kubernetes.io/* labels, every selector selects the
// pods, every probe's timeout is below its period. It then checks itself: each fixture under test/deploy-fixtures/ must be refused with
// the error its `# expect:` line names (a misspelt `livenessprobe` among them).
'use strict';
const { readFileSync, readdirSync, existsSync } = require('node:fs');
const { join, relative } = require('node:path');
const { execFileSync } = require('node:child_process');
const YAML = require('yaml');

const root = join(__dirname, '..');
const deployDir = join(root, 'deploy');
const fixturesDir = join(root, 'test', 'deploy-fixtures');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const RECOMMENDED_LABELS = {
  'app.kubernetes.io/name': 'invoice-gateway',
  'app.kubernetes.io/instance': 'invoice-gateway',
  'app.kubernetes.io/version': version,
  'app.kubernetes.io/component': 'api',
  'app.kubernetes.io/part-of': 'invoice-gateway',
  'app.kubernetes.io/managed-by': 'kustomize',
};
/** Selectors use the labels that never change for a release (a Deployment's is immutable). */
const SELECTOR_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
];

const rel = (file) => relative(root, file);

/** Every YAML document of a file; syntax errors, duplicate keys and warnings are problems. */
function readDocuments(file, problems) {
  const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8'), { uniqueKeys: true });
  const out = [];
  for (const doc of docs) {
    for (const issue of [...doc.errors, ...doc.warnings])
      problems.push(`${rel(file)}: ${issue.message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/**
 * A proxy over a parsed object that records which keys the schema validator reads. The compiled
 * validators read every property their schema declares and enumerate only maps (labels, data),
 * so a key of a non-map object that was never read is not in the schema: an unknown field,
 * which the API server would drop (or refuse with --validate=strict).
 */
function tracked(value, path, records) {
  if (value === null || typeof value !== 'object') return value;
  const record = { path, value, read: new Set(), enumerated: false };
  records.push(record);
  const children = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      const inner = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return inner;
      record.read.add(key);
      if (inner === null || typeof inner !== 'object') return inner;
      if (!children.has(key)) children.set(key, tracked(inner, `${path}/${key}`, records));
      return children.get(key);
    },
    ownKeys(target) {
      record.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

/** Schema errors and unknown fields of one object (with `apiVersion` and `kind`). */
function schemaProblems(object) {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string')
    return ['has no apiVersion and kind'];
  let model;
  try {
    model = require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
  } catch {
    return [
      `${apiVersion} ${kind} is not a Kubernetes kind (kubernetes-models has no schema for it)`,
    ];
  }
  const records = [];
  const problems = [];
  try {
    model.prototype.validate.call(tracked(object, '', records));
  } catch (error) {
    const details = error.errors ?? [];
    if (details.length === 0) problems.push(error.message);
    for (const e of details) problems.push(`${e.instancePath || '/'} ${e.message}`);
  }
  for (const { path, value, read, enumerated } of records) {
    if (Array.isArray(value) || enumerated) continue;
    for (const key of Object.keys(value)) {
      if (!read.has(key)) problems.push(`${path}/${key} is not a field of ${kind} (unknown field)`);
    }
  }
  return problems;
}

function labelProblems(object) {
  const problems = [];
  const expectLabels = (labels, where) => {
    for (const [key, want] of Object.entries(RECOMMENDED_LABELS)) {
      const got = labels?.[key];
      if (got !== want)
        problems.push(
          `${where} label ${key} is ${got === undefined ? 'missing' : `"${got}"`}, expected "${want}"`,
        );
    }
  };
  expectLabels(object.metadata?.labels, 'metadata.labels:');
  const template = object.spec?.template?.metadata?.labels;
  if (object.spec?.template) expectLabels(template, 'spec.template.metadata.labels:');
  const selectors = [];
  if (object.kind === 'Deployment') {
    selectors.push(['spec.selector.matchLabels', object.spec?.selector?.matchLabels]);
    for (const [i, c] of (object.spec?.template?.spec?.topologySpreadConstraints ?? []).entries()) {
      selectors.push([
        `topologySpreadConstraints[${i}].labelSelector.matchLabels`,
        c.labelSelector?.matchLabels,
      ]);
    }
  }
  if (object.kind === 'Service') selectors.push(['spec.selector', object.spec?.selector]);
  if (object.kind === 'PodDisruptionBudget')
    selectors.push(['spec.selector.matchLabels', object.spec?.selector?.matchLabels]);
  if (object.kind === 'NetworkPolicy')
    selectors.push(['spec.podSelector.matchLabels', object.spec?.podSelector?.matchLabels]);
  for (const [where, selector] of selectors) {
    const keys = Object.keys(selector ?? {}).sort();
    if (keys.join() !== [...SELECTOR_LABELS].sort().join()) {
      problems.push(
        `${where} must be exactly ${SELECTOR_LABELS.join(', ')} (has ${keys.join(', ') || 'none'})`,
      );
      continue;
    }
    for (const key of keys) {
      if (selector[key] !== RECOMMENDED_LABELS[key])
        problems.push(
          `${where} ${key} is "${selector[key]}", expected "${RECOMMENDED_LABELS[key]}"`,
        );
    }
  }
  return problems;
}

const PROBES = ['startupProbe', 'livenessProbe', 'readinessProbe'];

/** A probe's timeout must be below its period (Kubernetes defaults: 1 s and 10 s). */
function probeProblems(object) {
  const problems = [];
  const pod = object.spec?.template?.spec;
  for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
    for (const name of PROBES) {
      const probe = container?.[name];
      if (!probe || typeof probe !== 'object') continue;
      const timeout = probe.timeoutSeconds ?? 1;
      const period = probe.periodSeconds ?? 10;
      if (!(timeout < period))
        problems.push(
          `container ${container.name}: ${name} timeoutSeconds (${timeout}) must be below periodSeconds (${period})`,
        );
    }
  }
  return problems;
}

/** All problems of one manifest file; `objects` collects what it holds. */
function checkFile(file, objects = []) {
  const problems = [];
  for (const object of readDocuments(file, problems)) {
    const name = `${object.kind ?? '?'} ${object.metadata?.name ?? '?'}`;
    objects.push({ file, object });
    for (const p of [...schemaProblems(object), ...labelProblems(object), ...probeProblems(object)])
      problems.push(`${rel(file)}: ${name}: ${p}`);
  }
  return problems;
}

function checkKustomization(objects) {
  const problems = [];
  const file = join(deployDir, 'kustomization.yaml');
  const [kustomization] = readDocuments(file, problems);
  if (kustomization?.kind !== 'Kustomization')
    return [...problems, `${rel(file)}: not a Kustomization`];
  for (const key of ['secretGenerator', 'bases', 'components']) {
    if (kustomization[key]) problems.push(`${rel(file)}: ${key} is not expected here`);
  }
  const resources = kustomization.resources ?? [];
  const present = readdirSync(deployDir).filter(
    (f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml',
  );
  for (const f of present)
    if (!resources.includes(f))
      problems.push(`${rel(file)}: deploy/${f} is not listed in resources`);
  for (const r of resources) {
    const path = join(deployDir, r);
    if (!existsSync(path)) {
      problems.push(`${rel(file)}: resource ${r} does not exist`);
      continue;
    }
    problems.push(...checkFile(path, objects));
  }
  for (const { file: f, object } of objects) {
    if (object.kind === 'Secret')
      problems.push(
        `${rel(f)}: a Secret is applied by kustomization.yaml: it would overwrite the real one`,
      );
  }
  return problems;
}

/** With kubectl at hand, the rendered kustomization as well (none needed otherwise). */
function checkRendered(objects) {
  let rendered;
  try {
    rendered = execFileSync('kubectl', ['kustomize', deployDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    if (error.code === 'ENOENT') return { skipped: true, problems: [] };
    return {
      problems: [
        `kubectl kustomize deploy/ failed: ${String(error.stderr || error.message).trim()}`,
      ],
    };
  }
  const problems = [];
  const kinds = YAML.parseAllDocuments(rendered)
    .map((d) => d.toJS())
    .filter(Boolean);
  const names = (list) =>
    list
      .map((o) => `${o.kind}/${o.metadata?.name}`)
      .sort()
      .join(', ');
  if (kinds.some((o) => o.kind === 'Secret'))
    problems.push('kubectl kustomize deploy/ renders a Secret');
  if (names(kinds) !== names(objects.map((o) => o.object))) {
    problems.push(
      `kubectl kustomize deploy/ renders ${names(kinds)}, the files hold ${names(objects.map((o) => o.object))}`,
    );
  }
  return { problems };
}

/** Each fixture must be refused with the problem its `# expect: <text>` line names. */
function checkFixtures() {
  const problems = [];
  const files = existsSync(fixturesDir)
    ? readdirSync(fixturesDir).filter((f) => f.endsWith('.yaml'))
    : [];
  if (files.length === 0)
    problems.push(`${rel(fixturesDir)}: no fixtures: the validator's refusals are untested`);
  for (const f of files) {
    const path = join(fixturesDir, f);
    const expected = [...readFileSync(path, 'utf8').matchAll(/^# expect: (.+)$/gm)].map((m) =>
      m[1].trim(),
    );
    if (expected.length === 0) problems.push(`${rel(path)}: no "# expect:" line`);
    const found = checkFile(path);
    for (const text of expected) {
      if (!found.some((p) => p.includes(text))) {
        problems.push(
          `${rel(path)}: expected a problem containing "${text}", got: ${found.join(' | ') || 'none'}`,
        );
      }
    }
    if (found.length !== expected.length) {
      problems.push(
        `${rel(path)}: expected ${expected.length} problem(s), got ${found.length}: ${found.join(' | ')}`,
      );
    }
  }
  return { problems, count: files.length };
}

function main() {
  const objects = [];
  const problems = checkKustomization(objects);
  const examplesDir = join(deployDir, 'examples');
  const examples = existsSync(examplesDir)
    ? readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'))
    : [];
  for (const f of examples) problems.push(...checkFile(join(examplesDir, f)));
  const rendered = checkRendered(objects);
  problems.push(...rendered.problems);
  const fixtures = checkFixtures();
  problems.push(...fixtures.problems);

  for (const p of problems) console.error(`check:deploy: ${p}`);
  if (problems.length > 0) {
    console.error(`check:deploy: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(
    `check:deploy: ${objects.length} objects applied by deploy/kustomization.yaml (${objects
      .map((o) => o.object.kind)
      .join(', ')}) and ${examples.length} example(s) valid, no Secret applied; ` +
      `${rendered.skipped ? 'kubectl not found, rendering not checked' : 'kubectl kustomize output matches'}; ` +
      `${fixtures.count} invalid fixture(s) refused as expected`,
  );
}

main();
