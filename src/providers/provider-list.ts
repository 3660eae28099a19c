import { deliverySolutionsDefinition } from './delivery-solutions/delivery-solutions.definition';
import { dmsDefinition } from './dms/dms.definition';
import { gepQuantumDefinition } from './gep-quantum/gep-quantum.definition';
import { gepSmartDefinition } from './gep-smart/gep-smart.definition';
import type { ProviderDefinition } from './provider-definition';

/**
 * Every provider the gateway knows, in the order it lists them. Adding a provider is one
 * folder with its definition, and one line here.
 */
export const PROVIDER_DEFINITIONS = [
  dmsDefinition,
  gepSmartDefinition,
  gepQuantumDefinition,
  deliverySolutionsDefinition,
] as const;

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
