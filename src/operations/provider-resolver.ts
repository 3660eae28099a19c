import { ProblemException, validationProblem } from '../problem/problem';
import type { Capability, CapabilityCalls, ItemError } from '../providers/provider.contract';
import type { ProviderId, RegisteredProvider } from '../providers/provider-ids';
import type { ProviderLookup } from '../providers/provider-registry';

/**
 * The provider for an operation: the one named, or the only one able to do it. A named provider
 * that cannot do it is 422 unsupported_operation naming those that can.
 */
export function resolveProvider(
  registry: ProviderLookup,
  capability: Capability,
  requested: ProviderId | undefined,
  connection?: string,
): RegisteredProvider {
  return resolveCall(registry, capability, requested, connection).provider;
}

/**
 * The provider of a named connection: an unknown, disabled or other-provider connection is 422
 * unknown_connection naming the field `connection`.
 */
export function connectionProvider(
  registry: ProviderLookup,
  connection: string,
  requested: ProviderId | undefined,
): ProviderId {
  const owner = registry.providerOf(connection);
  if (owner !== undefined && (requested === undefined || owner === requested)) return owner;
  const why =
    owner === undefined
      ? `no enabled connection is named ${connection}`
      : `connection ${connection} belongs to ${owner}, not ${requested}`;
  throw new ProblemException('unknown_connection', {
    detail: why,
    errors: [{ path: 'connection', code: 'unknown_connection', message: why }],
  });
}

/**
 * The provider for an operation (see resolveProvider) and the call that serves it, on the named
 * connection (else the provider's default connection).
 */
export function resolveCall<C extends Capability>(
  registry: ProviderLookup,
  capability: C,
  requested: ProviderId | undefined,
  connection?: string,
): { provider: RegisteredProvider; call: CapabilityCalls[C]; connection: string } {
  if (connection !== undefined) {
    requested = connectionProvider(registry, connection, requested);
  }
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
  const provider = registry.get(named, connection);
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
  return { provider, call: call, connection: connection ?? registry.defaultConnection(named) };
}

/** A provider's local rule violations on a whole document, as a 400 naming each field. */
export function rejectInvalidDocument(errors: ItemError[]): void {
  if (errors.length === 0) return;
  throw validationProblem(
    errors.map((e) => ({ path: e.path ?? '', code: e.code, message: e.message })),
  );
}
