import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { ConsoleSessionController } from './console/console-session.controller';
import { ConsoleSessions } from './console/console-sessions.service';
import { ConsoleStaticController } from './console/console-static.controller';
import { OperationsModule } from '../operations/operations.module';
import { AuditController } from './audit/audit.controller';
import { ApiClientsService } from './auth/api-clients.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { RateLimiter } from './auth/rate-limiter';
import { BatchesController } from './batches/batches.controller';
import { BatchesService } from './batches/batches.service';
import { CreditNotesController } from './credit-notes/credit-notes.controller';
import { CreditNotesService } from './credit-notes/credit-notes.service';
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
  imports: [OperationsModule, AuditModule],
  controllers: [
    AuditController,
    InvoicesController,
    CreditNotesController,
    BatchesController,
    OperationsController,
    ProvidersController,
    ConnectionsController,
    StatsController,
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
    ConsoleSessions,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
export class GatewayModule {}
