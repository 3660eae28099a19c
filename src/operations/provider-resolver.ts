import { ProblemException, validationProblem } from '../problem/problem';
import type { Capability, ItemError } from '../providers/provider.contract';
import type { ProviderId, RegisteredProvider } from '../providers/provider-ids';
import type { ProviderRegistry } from '../providers/provider-registry';

/**
 * The provider for an operation: the one named, or the only one able to do it. A named provider
 * that cannot do it is 422 unsupported_operation naming those that can.
 */
export function resolveProvider(
  registry: ProviderRegistry,
  capability: Capability,
  requested: ProviderId | undefined,
): RegisteredProvider {
  const able = registry.supporting(capability);
  if (requested === undefined) {
    if (able.length === 1) return registry.get(able[0])!;
    throw validationProblem([
      {
        path: 'provider',
        code: 'isDefined',
        message: `provider is required for ${capability}: one of ${able.join(', ')}`,
      },
    ]);
  }
  const provider = registry.get(requested);
  if (!provider || !provider.capabilities.has(capability)) {
    throw new ProblemException('unsupported_operation', {
      detail: `${requested} does not support ${capability}; providers that do: ${able.join(', ') || 'none'}`,
      errors: [
        {
          path: 'provider',
          code: 'unsupported_operation',
          message: `${capability} is supported by ${able.join(', ') || 'no provider'}`,
        },
      ],
    });
  }
  return provider;
}

/** A provider's local rule violations on a whole document, as a 400 naming each field. */
export function rejectInvalidDocument(errors: ItemError[]): void {
  if (errors.length === 0) return;
  throw validationProblem(
    errors.map((e) => ({ path: e.path ?? '', code: e.code, message: e.message })),
  );
}
