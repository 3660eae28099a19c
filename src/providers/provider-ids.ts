import type { ProviderDefinition } from './provider-definition';
import type { FinanceProvider } from './provider.contract';
import { PROVIDER_DEFINITIONS } from './provider-list';

/**
 * Provider ids, derived from the provider list. The gateway, config and health use these; a
 * provider's own files speak plain strings (each knows its id), so they never import the list.
 */
export type AnyProviderDefinition = (typeof PROVIDER_DEFINITIONS)[number];
export type ProviderId = AnyProviderDefinition['id'];

export const PROVIDER_IDS: readonly ProviderId[] = PROVIDER_DEFINITIONS.map((d) => d.id);

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDER_IDS as readonly string[]).includes(value);
}

/** The settings type of a provider. */
export type SettingsOf<Id extends ProviderId> =
  Extract<AnyProviderDefinition, { id: Id }> extends ProviderDefinition<Id, infer S> ? S : never;

/** Each provider's settings, by id. */
export type ProviderSettingsMap = { [Id in ProviderId]: SettingsOf<Id> };

export function definitionOf<Id extends ProviderId>(
  id: Id,
): ProviderDefinition<Id, SettingsOf<Id>> {
  const definition = PROVIDER_DEFINITIONS.find((d) => d.id === id);
  if (!definition) throw new Error(`unknown provider ${id}`);
  return definition as unknown as ProviderDefinition<Id, SettingsOf<Id>>;
}

/** A built provider whose id is one of the list's (the registry checks it). */
export type RegisteredProvider = FinanceProvider & { readonly id: ProviderId };
