import type { CreditMemoStatusBatchCommand } from '../commands';
import { resolveCall } from '../provider-resolver';
import { BatchHandler } from './batch.handler';
import type { HandlerDeps } from './handler-deps';

/** `credit-memo-status.post`: credit memo status updates, each checked by the provider's rules. */
export const creditMemoStatusPostHandler = (deps: HandlerDeps) =>
  new BatchHandler<CreditMemoStatusBatchCommand>(deps, {
    resolve: (registry, command) =>
      resolveCall(registry, command.kind, command.provider, command.connection),
    validate: (provider, item, now) => provider.validateCreditMemoStatus?.(item, now) ?? [],
  });
