/* global setTimeout, clearTimeout */
/**
 * Swagger UI in a real browser (npm run test:browser; .ci/run runs it): headless Debian
 * Chromium driven by playwright-core against a gateway started from dist/ in mock mode on an in-memory database.
 * Authorize with a key; Try it out on POST /v1/invoices with the prefilled example -> 201; a
 * status batch -> 200; a bad body -> 400 shown as documented; GET the invoice by id -> 200.
 * Screenshots go to test-output/browser/ (git-ignored). Bounded: fails after TIME_LIMIT_MS.
 */
const { mkdtempSync, mkdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { chromium } = require('playwright-core');
const {
  ROOT,
  CHROMIUM,
  CHROMIUM_ARGS: ARGS,
  startGateway: startProcess,
} = require('./support.cjs');

const SHOTS = join(ROOT, 'test-output/browser');
const TIME_LIMIT_MS = 120_000;
const STEP_MS = 20_000;

function startGateway(key) {
  // a database of its own (in-memory embedded Postgres): the prefilled example creates the
  // same invoice every run, so a kept database would answer 200 (existed already) the second time
  return startProcess({ DATA_IN_MEMORY: 'true', GATEWAY_BOOTSTRAP_API_KEY: key });
}

/** The live response Swagger UI shows under an operation: status code and body text. */
async function liveResponse(operation) {
  const row = operation.locator('.live-responses-table tbody tr.response').first();
  await row.waitFor({ timeout: STEP_MS });
  const status = (await row.locator('td.response-col_status').innerText()).trim();
  const body = await row.locator('.response-col_description .microlight').first().innerText();
  const description = await row.locator('td.response-col_description').innerText();
  return { status, body, description };
}

async function openOperation(page, operationId) {
  const operation = page.locator(`.opblock[id$="-${operationId}"]`);
  await operation.locator('.opblock-summary').first().click();
  const tryOut = operation.locator('button.try-out__btn');
  if ((await tryOut.innerText()).trim() === 'Try it out') await tryOut.click();
  return operation;
}

async function execute(operation) {
  await operation.locator('button.execute').click();
  return liveResponse(operation);
}

function expectStatus(step, response, expected) {
  if (response.status !== String(expected)) {
    throw new Error(
      `${step}: Swagger UI shows ${response.status}, expected ${expected}\n${response.body}`,
    );
  }
  console.log(`ok  ${step}: ${response.status}`);
}

async function main() {
  const began = Date.now();
  const timer = setTimeout(() => {
    console.error(`browser test took longer than ${TIME_LIMIT_MS} ms`);
    process.exit(1);
  }, TIME_LIMIT_MS);
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  const key = `browser-test-key-${randomUUID()}`;
  const gateway = await startGateway(key);
  const profile = mkdtempSync(join(tmpdir(), 'igw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(STEP_MS);
    await page.goto(`${gateway.url}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();

    // Authorize with the key
    await page.locator('button.authorize').first().click();
    // the api-key scheme's form (the console's cookie scheme is listed beside it)
    const apiKeyForm = page.locator('.modal-ux form', { hasText: 'api-key (http, Bearer)' });
    await apiKeyForm.locator('input').first().fill(key);
    await apiKeyForm.locator('.auth-btn-wrapper button.authorize').click();
    await page.locator('.modal-ux button.btn-done').first().click();
    console.log('ok  authorized');

    // POST /v1/invoices with the prefilled example
    const create = await openOperation(page, 'createInvoice');
    const created = await execute(create);
    await create.locator('.live-responses-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '1-create-invoice-201.png'), fullPage: false });
    expectStatus('POST /v1/invoices (prefilled example)', created, 201);
    const invoiceId = JSON.parse(created.body).id;

    // a bad body: 400, shown with its documented description (not "Undocumented")
    await create.locator('textarea.body-param__text').fill('{"provider": "dms", "amount": -1}');
    const bad = await execute(create);
    await create.locator('.live-responses-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '2-bad-body-400.png') });
    expectStatus('POST /v1/invoices (bad body)', bad, 400);
    if (/Undocumented/i.test(bad.description)) throw new Error('the 400 is shown as Undocumented');
    if (JSON.parse(bad.body).code !== 'validation_failed') throw new Error(`400 body: ${bad.body}`);
    const documented400 = create.locator(
      '.responses-table:not(.live-responses-table) tr.response[data-code="400"]',
    );
    if ((await documented400.count()) !== 1)
      throw new Error('400 is not in the documented responses');
    console.log('ok  the 400 is documented (application/problem+json)');

    // a status batch with its prefilled example
    const batch = await openOperation(page, 'postInvoiceStatuses');
    const batchAnswer = await execute(batch);
    await batch.locator('.live-responses-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '3-status-batch-200.png') });
    expectStatus('POST /v1/invoice-status-updates', batchAnswer, 200);

    // GET the invoice by id
    const get = await openOperation(page, 'getInvoice');
    await get.locator('input[placeholder="id"]').fill(invoiceId);
    const got = await execute(get);
    await get.locator('.live-responses-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '4-get-invoice-200.png') });
    expectStatus(`GET /v1/invoices/${invoiceId}`, got, 200);
    if (JSON.parse(got.body).id !== invoiceId)
      throw new Error(`GET answered another invoice: ${got.body}`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    gateway.child.kill('SIGTERM');
    clearTimeout(timer);
  }
  console.log(
    `Swagger UI browser test passed in ${Date.now() - began} ms; screenshots in ${SHOTS}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
