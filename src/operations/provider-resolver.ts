import { ProblemException, validationProblem } from '../problem/problem';
import type { Capability, CapabilityCalls, ItemError } from '../providers/provider.contract';
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
  return resolveCall(registry, capability, requested).provider;
}

/** The provider for an operation (see resolveProvider) and the call that serves it. */
export function resolveCall<C extends Capability>(
  registry: ProviderRegistry,
  capability: C,
  requested: ProviderId | undefined,
): { provider: RegisteredProvider; call: CapabilityCalls[C] } {
  const able = registry.supporting(capability);
  if (requested === undefined && able.length !== 1) {
    throw validationProblem([
      {
        path: 'provider',
        code: 'isDefined',
        message: `provider is required for ${capability}: one of ${able.join(', ')}`,
      },
    ]);
  }
  const named = requested ?? able[0];
  const provider = registry.get(named);
  const call = provider?.serves[capability];
  if (!provider || !call) {
    throw new ProblemException('unsupported_operation', {
      detail: `${named} does not support ${capability}; providers that do: ${able.join(', ') || 'none'}`,
      errors: [
        {
          path: 'provider',
          code: 'unsupported_operation',
          message: `${capability} is supported by ${able.join(', ') || 'no provider'}`,
        },
      ],
    });
  }
  return { provider, call: call };
}

/** A provider's local rule violations on a whole document, as a 400 naming each field. */
export function rejectInvalidDocument(errors: ItemError[]): void {
  if (errors.length === 0) return;
  throw validationProblem(
    errors.map((e) => ({ path: e.path ?? '', code: e.code, message: e.message })),
  );
}
