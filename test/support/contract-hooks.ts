import {
  assertAnswersMatchDocument,
  isRegistered,
  recordAnswer,
  recordLater,
  reportContractCounts,
  settleRecordings,
  skipAnswer,
} from './contract-recorder';

/**
 * `fetch` as the e2e suites call it: the real one, with every answer from a gateway the helpers
 * started recorded for the contract check (the body is read from a clone, so the test still
 * reads its own).
 */
const realFetch = globalThis.fetch;
globalThis.fetch = async function recordedFetch(input, init) {
  const res = await realFetch(input, init);
  const request = input instanceof Request ? input : undefined;
  const url = request?.url ?? (input instanceof URL ? input.href : (input as string));
  if (isRegistered(url)) {
    const method = init?.method ?? request?.method ?? 'GET';
    const copy = res.clone();
    const headers = Object.fromEntries(res.headers);
    recordLater(
      copy.text().then(
        (text) => recordAnswer(method, url, { status: res.status, headers, text }, 'fetch'),
        // a body cut short (the caller aborted, the gateway was killed) is no whole answer
        () => skipAnswer(),
      ),
    );
  }
  return res;
};

/** Fails the test (or the file's setup) whose answers do not match the OpenAPI document. */
afterEach(async () => {
  await settleRecordings();
  assertAnswersMatchDocument();
});
afterAll(async () => {
  await settleRecordings();
  reportContractCounts(expect.getState().testPath ?? 'unknown');
  assertAnswersMatchDocument();
});
