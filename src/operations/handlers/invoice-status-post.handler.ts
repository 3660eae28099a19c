import type { InvoiceStatusBatchCommand } from '../commands';
import { resolveCall } from '../provider-resolver';
import { BatchHandler } from './batch.handler';
import type { HandlerDeps } from './handler-deps';

/** `invoice-status.post`: invoice status updates, each checked by the provider's rules. */
export const invoiceStatusPostHandler = (deps: HandlerDeps) =>
  new BatchHandler<InvoiceStatusBatchCommand>(deps, {
    resolve: (registry, command) =>
      resolveCall(registry, command.kind, command.provider, command.connection),
    validate: (provider, item, now) => provider.validateInvoiceStatus?.(item, now) ?? [],
  });
