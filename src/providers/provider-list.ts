import { deliverySolutionsDefinition } from './delivery-solutions/delivery-solutions.definition';
import { dmsDefinition } from './dms/dms.definition';
import { gepQuantumDefinition } from './gep-quantum/gep-quantum.definition';
import { gepSmartDefinition } from './gep-smart/gep-smart.definition';

/**
 * Every provider the gateway knows, in the order it lists them. Adding a provider is one
 * folder with its definition, and one line here: ids, settings, simulators, config checks and
 * health follow from this list (provider-ids.ts derives the ids). Nothing in a provider's folder
 * imports this file or provider-ids.ts, so no provider file sits in an import circle.
 */
export const PROVIDER_DEFINITIONS = [
  dmsDefinition,
  gepSmartDefinition,
  gepQuantumDefinition,
  deliverySolutionsDefinition,
] as const;
