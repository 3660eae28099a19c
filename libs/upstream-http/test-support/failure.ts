/* Test-only helper: the UpstreamError a call failed with (anything else fails the test). */
import { UpstreamError } from '../src/upstream-error';

export async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const outcome = await promise.then(
    () => new Error('expected the call to fail'),
    (err: unknown) => err,
  );
  if (!(outcome instanceof UpstreamError)) throw outcome;
  return outcome;
}
