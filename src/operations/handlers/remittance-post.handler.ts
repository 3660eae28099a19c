import type { RemittanceBatchCommand } from '../commands';
import { resolveCall } from '../provider-resolver';
import { BatchHandler } from './batch.handler';
import type { HandlerDeps } from './handler-deps';

/** `remittance.post`: remittance advices, each checked by the provider's rules. */
export const remittancePostHandler = (deps: HandlerDeps) =>
  new BatchHandler<RemittanceBatchCommand>(deps, {
    resolve: (registry, command) =>
      resolveCall(registry, command.kind, command.provider, command.connection),
    validate: (provider, item, now) => provider.validateRemittance?.(item, now) ?? [],
  });
