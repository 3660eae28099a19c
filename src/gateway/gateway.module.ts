import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiClientsService } from './auth/api-clients.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ProblemFilter } from './problem/problem.filter';

/** The unified API's cross-cutting pieces: inbound auth and the problem+json filter. */
@Global()
@Module({
  providers: [
    ApiClientsService,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
  exports: [ApiClientsService],
})
export class GatewayModule {}
