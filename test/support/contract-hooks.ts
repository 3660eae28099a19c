import { assertAnswersMatchDocument, reportContractCounts } from './contract-recorder';

/** Fails the test (or the file's setup) whose answers do not match the OpenAPI document. */
afterEach(assertAnswersMatchDocument);
afterAll(() => {
  reportContractCounts(expect.getState().testPath ?? 'unknown');
  assertAnswersMatchDocument();
});
