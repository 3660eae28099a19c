import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { ConsoleSessionController } from './console/console-session.controller';
import { ConsoleSessions } from './console/console-sessions.service';
import { ConsoleStaticController } from './console/console-static.controller';
import { OperationsModule } from '../operations/operations.module';
import { EventsModule } from '../events/events.module';
import { EventsController } from './events/events.controller';
import { InboundController } from './events/inbound.controller';
import { WebhookEndpointsController } from './events/webhook-endpoints.controller';
import { AuditController } from './audit/audit.controller';
import { ApiClientsService } from './auth/api-clients.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { RateLimiter } from './auth/rate-limiter';
import { BatchesController } from './batches/batches.controller';
import { BatchesService } from './batches/batches.service';
import { CreditNotesController } from './credit-notes/credit-notes.controller';
import { CreditNotesService } from './credit-notes/credit-notes.service';
import { DocumentsController } from './documents/documents.controller';
import { DocumentsService } from './documents/documents.service';
import { InvoicesController } from './invoices/invoices.controller';
import { InvoicesService } from './invoices/invoices.service';
import { OperationsController } from './operations/operations.controller';
import { OperationsService } from './operations/operations.service';
import { ProblemFilter } from './problem/problem.filter';
import { ProvidersController } from './providers/providers.controller';
import { ConnectionsController } from './connections/connections.controller';
import { StatsController } from './stats/stats.controller';

/** The unified API: inbound auth, rate limits, problem+json, and one controller per resource. */
@Module({
  imports: [OperationsModule, EventsModule, AuditModule],
  controllers: [
    AuditController,
    InvoicesController,
    CreditNotesController,
    BatchesController,
    OperationsController,
    DocumentsController,
    ProvidersController,
    ConnectionsController,
    StatsController,
    EventsController,
    WebhookEndpointsController,
    InboundController,
    ConsoleSessionController,
    ConsoleStaticController,
  ],
  providers: [
    ApiClientsService,
    RateLimiter,
    InvoicesService,
    CreditNotesService,
    BatchesService,
    OperationsService,
    DocumentsService,
    ConsoleSessions,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
export class GatewayModule {}
