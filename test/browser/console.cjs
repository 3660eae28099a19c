/* global fetch, setTimeout, clearTimeout, document, window, localStorage, sessionStorage */
/**
 * The operations console in a real browser (npm run test:console; .ci/run runs it): headless
 * Debian Chromium driven by playwright-core against a gateway started from dist/, its DMS and
 * Delivery Solutions pointed at simulators started here (so faults can be injected), on an
 * embedded database in a temporary DATA_DIR (the CLI creates a client in it while the gateway
 * runs). Signs in; the overview chart has data; a dead operation is found by filter, replayed
 * from the page and shows succeeded; an outcome_uncertain one is resolved with an identifier
 * and a note; the audit page queries and verifies, and the overview shows the chain head and
 * that verification; a GEP SMART status and a GEP Quantum remittance for one document number
 * show on one document timeline, marked paid; a key without operations:replay sees no
 * Replay button and a forced call answers the 403's detail; sign-out ends the session
 * server-side; axe-core finds no serious or critical violation on any page; no CSP violation.
 * Screenshots go to ci-artifacts/console/ (git-ignored); with UPDATE_DOCS_SCREENSHOTS=1 a few
 * are also written to docs/console/. Bounded: fails after TIME_LIMIT_MS.
 */
const { execFile } = require('node:child_process');
const { createServer } = require('node:http');
const {
  copyFileSync,
  existsSync,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomBytes, randomUUID } = require('node:crypto');
const { chromium } = require('playwright-core');
const { ROOT, CHROMIUM, CHROMIUM_ARGS, startGateway: startProcess } = require('./support.cjs');

const SHOTS = join(ROOT, 'ci-artifacts/console');
const DOC_SHOTS = join(ROOT, 'docs/console');
const TIME_LIMIT_MS = 120_000;
const STEP_MS = 20_000;
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function ok(step) {
  console.log(`ok  ${step}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function startSimulators() {
  const sims = require(join(ROOT, 'dist/src/providers/simulators.js'));
  const running = await sims.startAllSimulators(sims.simulatorOptionsFromEnv({}), {
    ids: ['dms', 'delivery-solutions'],
    port: 0,
  });
  const c = sims.DEFAULT_CREDENTIALS;
  const dms = running.get('dms').url;
  const ds = running.get('delivery-solutions').url;
  return {
    running,
    dms,
    apiKey: c.dms.apiKey,
    ds,
    env: {
      DMS_BASE_URL: dms,
      DMS_API_KEY: c.dms.apiKey,
      DELIVERY_SOLUTIONS_BASE_URL: ds,
      DELIVERY_SOLUTIONS_TOKEN_URL: `${ds}/ent-services/security/v1/oauth/token`,
      DELIVERY_SOLUTIONS_CLIENT_ID: c['delivery-solutions'].clientId,
      DELIVERY_SOLUTIONS_CLIENT_SECRET: c['delivery-solutions'].clientSecret,
    },
  };
}

function startGateway(key, dataDir, providerEnv) {
  return startProcess(
    {
      ...providerEnv,
      DATA_DIR: dataDir,
      GATEWAY_BOOTSTRAP_API_KEY: key,
      // two quick attempts, then dead; one upstream try per attempt
      ASYNC_MAX_ATTEMPTS: '2',
      ASYNC_RETRY_BASE_MS: '20',
      ASYNC_RETRY_MAX_DELAY_MS: '100',
      DMS_RETRY_MAX_ATTEMPTS: '1',
      DELIVERY_SOLUTIONS_RETRY_MAX_ATTEMPTS: '1',
      DELIVERY_SOLUTIONS_TIMEOUT_MS: '2000',
      // webhook endpoints may target the test's receiver on loopback, over plain HTTP
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_ALLOW_HTTP: 'true',
      CALLBACK_SECRET: `console-test-callback-secret-${randomUUID()}`,
      // stored connections' secrets are sealed with this ring
      CONNECTIONS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    },
    160,
  );
}

/** The CLI against the running gateway's embedded database (DATA_DIR). */
function cli(args, dataDir) {
  const { DATABASE_URL: _kept, ...inherited } = process.env;
  void _kept;
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [join(ROOT, 'dist/src/cli.js'), ...args],
      { env: { ...inherited, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, timeout: 30_000 },
      (error, stdout, stderr) =>
        error ? fail(new Error(`cli ${args[0]} failed: ${stderr}`)) : done(stdout.trim()),
    );
  });
}

async function api(gateway, key, method, path, body, headers = {}) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function fault(simulator, spec) {
  const res = await fetch(`${simulator}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  check(res.ok, `fault not accepted: ${res.status} ${await res.text()}`);
}

async function settled(gateway, key, id) {
  for (let i = 0; i < 150; i++) {
    const { body } = await api(gateway, key, 'GET', `/v1/operations/${id}`);
    if (!['queued', 'running'].includes(body.status)) return body;
    await sleep(100);
  }
  throw new Error(`operation ${id} did not settle`);
}

const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

function dmsInvoice(reference, overrides = {}) {
  return {
    provider: 'dms',
    reference,
    party: { code: 'DLR001', name: 'ABC Motors' },
    amount: 1500,
    currency: 'INR',
    description: 'E-Invoice for claim request',
    internalOrderNumber: 'IO-2025-001',
    taxes: { cgst: 0, sgst: 0, igst: 0, total: 0 },
    ...overrides,
  };
}

function dsInvoice(reference) {
  return {
    provider: 'delivery-solutions',
    reference,
    brand: 'brand-123',
    location: 'store-9',
    issuedAt: '2025-12-17T10:30:00Z',
    timeZone: 'America/New_York',
    amount: 42.5,
    party: { name: 'Jane Doe', email: 'jane@example.com', phone: '+14155550123' },
    order: { status: 'DELIVERED', type: 'delivery' },
    shipTo: {
      street1: '123 Main St',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      countryCode: 'US',
    },
    lines: [{ sku: 'SKU-1', title: 'T-shirt', quantity: 2, price: 19.99 }],
  };
}

/** Operations for the pages: succeeded ones, a dead one, an outcome_uncertain one. */
async function seed(gateway, sims, key) {
  const async = { prefer: 'respond-async' };
  for (let i = 0; i < 3; i++) {
    const res = await api(gateway, key, 'POST', '/v1/invoices', dmsInvoice(unique('REQ-OK')));
    check(res.status === 201, `sync DMS create answered ${res.status}`);
  }
  // two 503s: both attempts fail transiently, and ASYNC_MAX_ATTEMPTS=2 ends it dead
  await fault(sims.dms, { path: '/api/invoices/generate', method: 'POST', status: 503, count: 2 });
  const deadRef = unique('REQ-DEAD');
  const accepted = await api(gateway, key, 'POST', '/v1/invoices', dmsInvoice(deadRef), async);
  check(accepted.status === 202, `async DMS create answered ${accepted.status}`);
  const dead = await settled(gateway, key, accepted.body.id);
  check(dead.status === 'dead', `expected dead, got ${dead.status}`);
  // the upstream stores the invoice but its answer is lost; the re-send hears "already exists"
  await fault(sims.ds, {
    path: '/returns/v1/invoices',
    method: 'POST',
    mode: 'lose-answer',
    count: 1,
  });
  const uncertainRef = unique('ORDER-UNSURE');
  const ds = await api(gateway, key, 'POST', '/v1/invoices', dsInvoice(uncertainRef), async);
  check(ds.status === 202, `async Delivery Solutions create answered ${ds.status}`);
  const uncertain = await settled(gateway, key, ds.body.id);
  check(
    uncertain.status === 'failed' && uncertain.lastError?.code === 'outcome_uncertain',
    `expected failed outcome_uncertain, got ${uncertain.status} ${uncertain.lastError?.code}`,
  );
  ok(`seeded: 3 succeeded, dead ${dead.id}, outcome_uncertain ${uncertain.id}`);
  return { dead, uncertain };
}

/** A webhook receiver on loopback: answers 204 and keeps each request's headers and body. */
async function startReceiver() {
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks/console-test`,
    received,
    stop: () => new Promise((done) => server.close(done)),
  };
}

/** axe-core in the page (evaluated through the DevTools protocol, so the CSP stays strict). */
async function axe(page, name) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `axe on ${name}: ${JSON.stringify(bad, null, 2)}`);
  ok(`axe on ${name}: no serious or critical violation (${violations.length} minor)`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Follows a link of the console's navigation. */
async function nav(page, name) {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name }).click();
}

async function signIn(page, url, key) {
  await page.goto(`${url}/console`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
}

async function main() {
  const began = Date.now();
  const timer = setTimeout(() => {
    console.error(`console browser test took longer than ${TIME_LIMIT_MS} ms`);
    process.exit(1);
  }, TIME_LIMIT_MS);
  check(
    existsSync(join(ROOT, 'dist/console/index.html')),
    'dist/console is missing: run npm run build first',
  );
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  const key = `console-test-key-${randomUUID()}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'igw-console-data-'));
  const sims = await startSimulators();
  const receiver = await startReceiver();
  const gateway = await startGateway(key, dataDir, sims.env);
  const profile = mkdtempSync(join(tmpdir(), 'igw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
  });
  const cspViolations = [];
  try {
    const { dead, uncertain } = await seed(gateway, sims, key);
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(STEP_MS);
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        cspViolations.push(message.text());
    });

    // sign-in page: no key in storage afterwards, the session is a cookie the page cannot read
    await page.goto(`${gateway.url}/console`);
    await page.getByRole('heading', { name: /Sign in/ }).waitFor();
    await axe(page, 'sign-in');
    await shot(page, '1-sign-in');
    await page.getByLabel('API key').fill('igw_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('This API key is not valid').waitFor();
    ok('a bad key shows the 401 detail');
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    check(!stored.includes(key), 'the key is kept in browser storage');
    check(
      !(await page.evaluate(() => document.cookie)).includes('igw_console'),
      'the session cookie is readable by the page (not HttpOnly)',
    );
    ok('signed in; the key is not in browser storage and the cookie is HttpOnly');

    // overview: the chart renders with data, the dead and uncertain counts link to their lists
    await page.locator('[data-testid=operations-chart] canvas').first().waitFor();
    await page.getByTestId('dead-count').getByText('1', { exact: true }).waitFor();
    await page.getByTestId('uncertain-count').getByText('1', { exact: true }).waitFor();
    const summary = await page
      .locator('section', { hasText: 'Operations, last 24 hours' })
      .innerText();
    check(/5 accepted: 3 succeeded, 1 failed, 1 dead/.test(summary), `overview totals: ${summary}`);
    await page.getByText('The numbers as a table').click();
    const rows = await page.locator('figure.chart details tbody tr').count();
    check(rows >= 1, 'the chart table has no bucket with operations');
    ok(`overview chart renders (uPlot canvas, ${rows} bucket(s) with data), dead 1, uncertain 1`);
    await axe(page, 'overview');
    await shot(page, '2-overview');

    // the dead operation: found by filter, replayed from the page, succeeded
    await page.getByRole('link', { name: /dead operations/ }).click();
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    check(
      (await page.getByLabel('Status').inputValue()) === 'dead',
      'the dead link did not filter by status',
    );
    const deadRow = page.locator('table.operations tbody tr', { hasText: dead.reference });
    await deadRow.waitFor();
    check(
      (await page.locator('table.operations tbody tr').count()) === 1,
      'the dead filter lists other operations',
    );
    await axe(page, 'operations');
    await shot(page, '3-operations-dead');
    await deadRow.getByRole('link').click();
    await page.getByRole('heading', { name: /invoice\.create/ }).waitFor();
    check(
      (await page.locator('ol.timeline > li').count()) === 2,
      'the timeline lacks the 2 attempts',
    );
    await page.getByRole('button', { name: 'Replay' }).click();
    const replayDialog = page.getByRole('dialog', { name: 'Replay this operation?' });
    await replayDialog.waitFor();
    check(
      await page.evaluate(() => document.activeElement?.closest('dialog') !== null),
      'focus is not inside the replay dialog',
    );
    await axe(page, 'replay dialog');
    await shot(page, '4-replay-confirm');
    await replayDialog.getByRole('button', { name: 'Replay' }).click();
    await page.getByTestId('operation-status-line').getByText('now succeeded').waitFor();
    await page.locator('h1 .badge', { hasText: 'succeeded' }).waitFor();
    check(
      (await page.evaluate(() => document.activeElement?.textContent?.trim() === 'Replay')) ||
        (await page.getByRole('button', { name: 'Replay' }).count()) === 0,
      'focus did not return to the page after the dialog',
    );
    ok('dead operation found by filter, replayed from the page: succeeded');
    await shot(page, '5-replayed');

    // the outcome_uncertain operation: resolved with an identifier and a note
    await nav(page, 'Overview');
    await page.getByRole('link', { name: /outcome uncertain/ }).click();
    const uncertainRow = page.locator('table.operations tbody tr', {
      hasText: uncertain.reference,
    });
    await uncertainRow.waitFor();
    await uncertainRow.getByRole('link').click();
    await page.getByText('outcome_uncertain').first().waitFor();
    await page.getByRole('button', { name: 'Resolve' }).click();
    const resolveDialog = page.getByRole('dialog', { name: 'Resolve this operation?' });
    await resolveDialog.waitFor();
    check(
      await page.evaluate(() => document.activeElement?.getAttribute('name') === 'note'),
      'focus is not on the note field',
    );
    // the note is required: the browser refuses an empty one
    await resolveDialog.getByRole('button', { name: 'Resolve' }).click();
    check(await resolveDialog.isVisible(), 'the dialog closed without a note');
    await resolveDialog.getByLabel('Note (required)').fill('Found ORDER in the DS portal (OPS-42)');
    await resolveDialog.getByLabel('Provider invoice id').fill('ds-manual-42');
    await axe(page, 'resolve dialog');
    await shot(page, '6-resolve-confirm');
    await resolveDialog.getByRole('button', { name: 'Resolve' }).click();
    await page.getByTestId('operation-status-line').getByText('now succeeded').waitFor();
    await page.getByText('Found ORDER in the DS portal (OPS-42)').waitFor();
    const resolved = await api(gateway, key, 'GET', `/v1/operations/${uncertain.id}`);
    check(
      resolved.body.status === 'succeeded' &&
        resolved.body.result?.providerInvoiceId === 'ds-manual-42',
      `resolved operation: ${JSON.stringify(resolved.body).slice(0, 300)}`,
    );
    ok('outcome_uncertain operation resolved with an identifier and a note');

    // audit: query, verify, export link; the console's own calls are audited under the client
    await nav(page, 'Audit log');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Operation').fill('operation.resolve');
    await page.getByRole('button', { name: 'Search' }).click();
    const resolveRows = page.locator('table tbody tr', { hasText: 'operation.resolve' });
    await resolveRows.first().waitFor();
    check(
      (await resolveRows.first().innerText()).includes('bootstrap'),
      'the resolve is not audited under the signed-in client',
    );
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByTestId('verify-result').getByText('Intact').waitFor();
    const exportHref = await page.getByRole('link', { name: /Export/ }).getAttribute('href');
    check(
      exportHref?.startsWith('/v1/audit-logs/export?') && exportHref.includes('operation.resolve'),
      `export link: ${exportHref}`,
    );
    const exported = await page.evaluate(async (href) => {
      const res = await fetch(href, { credentials: 'same-origin' });
      return { status: res.status, text: await res.text() };
    }, exportHref);
    check(
      exported.status === 200 && exported.text.includes('operation.resolve'),
      `export answered ${exported.status}`,
    );
    ok(
      'audit: query by operation shows the console resolve under the client; verify intact; export',
    );
    await axe(page, 'audit');
    await shot(page, '7-audit');

    // the overview shows the audit chain head and the verification just run
    await nav(page, 'Overview');
    await page.getByTestId('audit-last-verification').getByText('intact').waitFor();
    check(
      /seq \d+/.test(await page.getByTestId('audit-head').innerText()),
      'the overview shows no audit chain head',
    );
    ok('overview: the audit chain head and the last verification (intact)');

    // documents: a GEP SMART status and a GEP Quantum remittance for one number, one timeline
    const number = unique('GEP-INV');
    const status = await api(gateway, key, 'POST', '/v1/invoice-status-updates', {
      updates: [
        {
          documentNumber: number,
          status: 'SentForPayment',
          invoiceDate: '2026-01-15T10:00:00.000Z',
          partnerCode: 'PC-1530698055599',
        },
      ],
    });
    check(
      status.status === 200 && status.body.accepted === 1,
      `GEP SMART status: ${status.status}`,
    );
    const remittance = await api(gateway, key, 'POST', '/v1/remittances', {
      remittances: [
        {
          documentNumber: number,
          status: 'Paid',
          payment: {
            referenceNumber: 'PAY-REF-001',
            remittanceId: 'REM-001',
            date: '2026-01-20T00:00:00Z',
            netAmount: 990,
            currency: 'USD',
          },
        },
      ],
    });
    check(
      remittance.status === 200 && remittance.body.accepted === 1,
      `GEP Quantum remittance: ${remittance.status}`,
    );
    await nav(page, 'Documents');
    await page.getByRole('heading', { name: 'Documents' }).waitFor();
    await page.getByLabel('Reference, upstream number or party code').fill(number);
    await page.getByRole('button', { name: 'Search' }).click();
    const documentRow = page.locator('table.documents tbody tr', { hasText: number });
    await documentRow.waitFor();
    // the unfiltered list (newest first) shows the document too: wait for the search's answer
    for (let i = 0; i < 50 && (await page.locator('table.documents tbody tr').count()) > 1; i++) {
      await sleep(100);
    }
    check(
      (await page.locator('table.documents tbody tr').count()) === 1,
      'the search lists more than the one document',
    );
    await documentRow.getByTestId('paid-mark').waitFor();
    await axe(page, 'documents');
    await shot(page, '7b-documents');
    await documentRow.getByRole('link', { name: number }).click();
    await page
      .getByRole('heading', { name: new RegExp(number) })
      .getByTestId('paid-mark')
      .waitFor();
    const timeline = page.getByTestId('document-timeline').locator('li');
    await timeline.nth(1).waitFor();
    const items = await timeline.allInnerTexts();
    check(
      items.length === 2 &&
        /status posted/.test(items[0]) &&
        /to gep-smart: accepted/.test(items[0]) &&
        /remittance posted/.test(items[1]) &&
        /to gep-quantum: accepted/.test(items[1]),
      `the document's timeline: ${JSON.stringify(items)}`,
    );
    await axe(page, 'document timeline');
    await shot(page, '7c-document-timeline');
    ok('a GEP SMART status and a GEP Quantum remittance for one number: one timeline, marked paid');

    // connections: the environment dms connection is listed and its test answers ok; a stored
    // one with a wrong key fails its test with the problem's detail, and passes once rotated
    const second = await api(gateway, key, 'POST', '/v1/connections', {
      name: 'dms-second',
      provider: 'dms',
      settings: { baseUrl: sims.dms },
      secrets: { apiKey: 'not-the-simulator-key' },
    });
    check(second.status === 201, `creating a stored connection answered ${second.status}`);
    await nav(page, 'Connections');
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    const dmsRow = page.locator('table.connections tr[data-connection=dms]');
    await dmsRow.waitFor();
    const dmsText = await dmsRow.innerText();
    check(/\benv\b/.test(dmsText) && /apiKey/.test(dmsText), `the dms row: ${dmsText}`);
    await dmsRow.getByRole('button', { name: 'Test dms' }).click();
    await dmsRow
      .locator('.test-ok')
      .getByText(/^ok, \d+ ms$/)
      .waitFor();
    await page.getByTestId('connections-status').getByText('Connection dms: ok').waitFor();
    await axe(page, 'connections');
    const secondRow = page.locator('table.connections tr[data-connection=dms-second]');
    await secondRow.getByRole('button', { name: 'Test dms-second' }).click();
    const failedTest = await secondRow.locator('.test-failed').innerText();
    check(/^4\d\d: /.test(failedTest), `the wrong key's test: ${failedTest}`);
    await secondRow.getByRole('button', { name: 'Rotate secrets of dms-second' }).click();
    const rotateSecrets = page.getByRole('dialog', { name: 'Rotate secrets of dms-second?' });
    await rotateSecrets.waitFor();
    await rotateSecrets.getByLabel('New apiKey').fill(sims.apiKey);
    await axe(page, 'rotate secrets dialog');
    await rotateSecrets.getByRole('button', { name: 'Rotate' }).click();
    await page.getByTestId('connections-status').getByText('apiKey rotated').waitFor();
    await secondRow.getByRole('button', { name: 'Test dms-second' }).click();
    await secondRow.locator('.test-ok').waitFor();
    await shot(page, '7d-connections');
    ok(
      `connections: env dms tested ok; a stored one failed (${failedTest.slice(0, 60)}), rotated, then ok`,
    );

    // webhook endpoints: one added to the test's receiver, its secret shown once, a test sent
    await nav(page, 'Webhook endpoints');
    await page.getByRole('heading', { name: 'Webhook endpoints' }).waitFor();
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Description').fill('console test receiver');
    await page.getByLabel('operation.dead').check();
    await page.getByLabel('webhook.test').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secretBox = page.getByTestId('secret-once');
    await secretBox.waitFor();
    const secret = (await secretBox.getByTestId('secret-value').innerText()).trim();
    check(secret.startsWith('whsec_'), `the shown secret: ${secret.slice(0, 8)}…`);
    const endpointRow = page.locator('table.endpoints tbody tr', { hasText: receiver.url });
    await endpointRow.waitFor();
    check(
      /operation\.dead, webhook\.test/.test(await endpointRow.innerText()),
      'the endpoint row lacks its event types',
    );
    await axe(page, 'webhook endpoints');
    await shot(page, '7e-webhook-endpoints');
    await secretBox.getByRole('button', { name: 'I have copied it' }).click();
    await page.reload();
    await endpointRow.waitFor();
    check(!(await page.content()).includes(secret), 'the secret is shown again after a reload');
    await endpointRow.getByRole('button', { name: `Send test to ${receiver.url}` }).click();
    await page.getByTestId('webhooks-status').getByText('Test event sent').waitFor();
    for (let i = 0; i < 100 && receiver.received.length === 0; i++) await sleep(100);
    const hook = receiver.received[0];
    check(
      hook && /webhook\.test/.test(hook.body) && hook.headers['webhook-signature'],
      `the receiver got no signed webhook.test: ${JSON.stringify(hook?.headers ?? null)}`,
    );
    ok('webhook endpoint added from the page, secret shown once, a test event delivered signed');

    // its deliveries: the test delivered; retried from the page; the secret rotated, confirmed
    await endpointRow.getByRole('link', { name: receiver.url }).click();
    await page.getByRole('heading', { name: /Deliveries to/ }).waitFor();
    const deliveryRow = page.locator('table.deliveries tbody tr', { hasText: 'webhook.test' });
    for (let i = 0; i < 20; i++) {
      if ((await deliveryRow.count()) > 0 && /delivered/.test(await deliveryRow.innerText())) break;
      await page.getByRole('button', { name: 'Refresh' }).click();
      await sleep(250);
    }
    check(/delivered/.test(await deliveryRow.innerText()), 'the test delivery is not delivered');
    await axe(page, 'webhook deliveries');
    await shot(page, '7f-webhook-deliveries');
    await deliveryRow.getByRole('button', { name: /Retry delivery/ }).click();
    await page.getByTestId('deliveries-status').getByText('is due now').waitFor();
    for (let i = 0; i < 100 && receiver.received.length < 2; i++) await sleep(100);
    check(receiver.received.length >= 2, 'the retried delivery did not reach the receiver');
    await page.getByRole('link', { name: '← Webhook endpoints' }).click();
    await endpointRow.getByRole('button', { name: `Rotate secret of ${receiver.url}` }).click();
    const rotateDialog = page.getByRole('dialog', { name: "Rotate this endpoint's secret?" });
    await rotateDialog.waitFor();
    await axe(page, 'rotate secret dialog');
    await rotateDialog.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByTestId('secret-once').getByText('New secret for').waitFor();
    const rotated = (await page.getByTestId('secret-value').innerText()).trim();
    check(rotated.startsWith('whsec_') && rotated !== secret, 'the rotated secret is not new');
    ok('deliveries: the test delivered and retried from the page; the secret rotated, shown once');

    // CSRF: a cookie-authenticated POST without X-Console-Csrf is refused
    const csrf = await page.evaluate(async (id) => {
      const res = await fetch(`/v1/operations/${id}/replay`, {
        method: 'POST',
        credentials: 'same-origin',
      });
      return { status: res.status, body: await res.json() };
    }, dead.id);
    check(
      csrf.status === 403 && /X-Console-Csrf/.test(csrf.body.detail),
      `POST without the CSRF header: ${csrf.status}`,
    );
    ok('a cookie POST without X-Console-Csrf: 403 with its detail');

    // sign out: the session ends server-side, the page asks to sign in again
    const cookie = (await context.cookies()).find((c) => c.name === 'igw_console');
    check(cookie?.httpOnly && cookie.sameSite === 'Strict', 'cookie not HttpOnly SameSite=Strict');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: /Sign in/ }).waitFor();
    const after = await fetch(`${gateway.url}/console/session`, {
      headers: { cookie: `igw_console=${cookie.value}` },
    });
    check(after.status === 401, `the old cookie still works after sign-out: ${after.status}`);
    await page.reload();
    await page.getByRole('heading', { name: /Sign in/ }).waitFor();
    ok('signed out: the old session answers 401 and the page asks to sign in');

    // a key without operations:replay: no Replay button; a forced call shows the 403's detail
    const reader = (
      await cli(
        [
          'clients:create',
          '--name',
          unique('console-reader'),
          '--scopes',
          'operations:read,invoices:write',
        ],
        dataDir,
      )
    )
      .split('\n')
      .pop();
    const refused = await api(
      gateway,
      reader,
      'POST',
      '/v1/invoices',
      dmsInvoice(unique('REQ-BAD'), { party: { code: 'NO-SUCH-DEALER', name: 'Nobody' } }),
    );
    check(refused.status === 422, `a bad dealer answered ${refused.status}`);
    await signIn(page, gateway.url, reader);
    const navText = await page.getByRole('navigation', { name: 'Console' }).innerText();
    check(!navText.includes('Audit'), 'the audit page is offered to a key without audit:read');
    check(
      !navText.includes('Connections') && !navText.includes('Webhook'),
      'the configure pages are offered to a key without connections:manage or webhooks:manage',
    );
    await nav(page, 'Operations');
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    const failedRow = page.locator('table.operations tbody tr', { hasText: 'failed' }).first();
    await failedRow.waitFor();
    await failedRow.getByRole('link').click();
    await page.locator('h1 .badge', { hasText: 'failed' }).waitFor();
    await page.getByText('Attempts', { exact: true }).waitFor();
    check(
      (await page.getByRole('button', { name: 'Replay' }).count()) === 0 &&
        (await page.getByRole('button', { name: 'Resolve' }).count()) === 0,
      'Replay or Resolve is offered to a key without operations:replay',
    );
    await axe(page, 'operation detail (read-only key)');
    await shot(page, '8-read-only-operation');
    const operationId = page.url().split('/operations/')[1];
    const forced = await page.evaluate(async (id) => {
      const res = await fetch(`/v1/operations/${id}/replay`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'x-console-csrf': '1' },
      });
      return { status: res.status, body: await res.json() };
    }, operationId);
    check(
      forced.status === 403 &&
        forced.body.detail === 'This API key lacks the scope operations:replay',
      `forced replay: ${forced.status} ${JSON.stringify(forced.body)}`,
    );
    // a page the key may not use, opened by its address, shows the refusal's detail
    await page.goto(`${gateway.url}/console#/audit`);
    await page.getByRole('alert').getByText('This API key lacks the scope audit:read').waitFor();
    await shot(page, '9-refused-page');
    ok(
      'read-only key: no Replay/Resolve, a forced replay answers 403 with its detail, the audit page shows it',
    );

    check(cspViolations.length === 0, `CSP violations:\n${cspViolations.join('\n')}`);
    ok('no Content-Security-Policy violation');
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
      mkdirSync(DOC_SHOTS, { recursive: true });
      for (const [from, to] of [
        ['2-overview', 'overview'],
        ['3-operations-dead', 'operations'],
        ['6-resolve-confirm', 'resolve'],
        ['7-audit', 'audit'],
        ['7b-documents', 'documents'],
        ['7c-document-timeline', 'document-timeline'],
        ['7d-connections', 'connections'],
        ['7e-webhook-endpoints', 'webhook-endpoints'],
      ]) {
        copyFileSync(join(SHOTS, `${from}.png`), join(DOC_SHOTS, `${to}.png`));
      }
    }
  } catch (error) {
    const page = context.pages()[0];
    if (page) await page.screenshot({ path: join(SHOTS, 'failure.png') }).catch(() => undefined);
    console.error(gateway.output().slice(-4000));
    throw error;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    gateway.child.kill('SIGTERM');
    await new Promise((r) => gateway.child.once('exit', r));
    await sims.running.stop();
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
    clearTimeout(timer);
  }
  console.log(`console browser test passed in ${Date.now() - began} ms; screenshots in ${SHOTS}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
