import { Module } from '@nestjs/common';
import { Db } from '../db';
import { ApiClientsRepository } from './api-clients.repository';
import { AuditLogRepository } from './audit-log.repository';
import { CallbackOutboxRepository } from './callback-outbox.repository';
import { ConnectionsRepository } from './connections.repository';
import { CreditNotesRepository } from './credit-notes.repository';
import { EventsRepository } from './events.repository';
import { InboundWebhooksRepository } from './inbound-webhooks.repository';
import { DocumentsRepository } from './documents.repository';
import { IdempotencyRepository } from './idempotency.repository';
import { InvoicesRepository } from './invoices.repository';
import { OperationQueueRepository } from './operation-queue.repository';
import { WebhooksRepository } from './webhooks.repository';

const REPOSITORIES = [
  Db,
  IdempotencyRepository,
  OperationQueueRepository,
  CallbackOutboxRepository,
  InvoicesRepository,
  CreditNotesRepository,
  DocumentsRepository,
  AuditLogRepository,
  ApiClientsRepository,
  EventsRepository,
  WebhooksRepository,
  InboundWebhooksRepository,
  ConnectionsRepository,
];

/** The repositories, one per aggregate: the only code that writes SQL. */
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class RepositoriesModule {}
