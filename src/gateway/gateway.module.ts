import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { OperationsService } from '../operations/operations.service';
import { ProvidersModule } from '../providers/providers.module';
import { ApiClientsService } from './auth/api-clients.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { RateLimiter } from './auth/rate-limiter';
import { BatchesController } from './batches/batches.controller';
import { BatchesService } from './batches/batches.service';
import { CreditNotesController } from './credit-notes/credit-notes.controller';
import { CreditNotesService } from './credit-notes/credit-notes.service';
import { KeyedLock } from './idempotency/keyed-lock';
import { OperationRunner } from './idempotency/operation-runner';
import { InvoicesController } from './invoices/invoices.controller';
import { InvoicesService } from './invoices/invoices.service';
import { OperationsController } from './operations/operations.controller';
import { ProblemFilter } from './problem/problem.filter';
import { ProvidersController } from './providers/providers.controller';

/** The unified API: inbound auth, rate limits, problem+json, and one controller per resource. */
@Global()
@Module({
  imports: [ProvidersModule],
  controllers: [
    InvoicesController,
    CreditNotesController,
    BatchesController,
    OperationsController,
    ProvidersController,
  ],
  providers: [
    ApiClientsService,
    RateLimiter,
    OperationsService,
    OperationRunner,
    KeyedLock,
    InvoicesService,
    CreditNotesService,
    BatchesService,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
  exports: [ApiClientsService, ProvidersModule],
})
export class GatewayModule {}
