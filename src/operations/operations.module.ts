import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { ProvidersModule } from '../providers/providers.module';
import { DeliveryWorker } from './delivery-worker';
import { OperationHandlers } from './handlers/operation-handlers';
import { KeyedLock } from './keyed-lock';
import { OperationRunner } from './operation-runner';

/**
 * The operations engine: commands, one handler per kind (the map), the runner and the queue
 * worker. The repositories come from the global DatabaseModule.
 */
@Module({
  imports: [ProvidersModule, ConnectionsModule],
  providers: [KeyedLock, OperationHandlers, DeliveryWorker, OperationRunner],
  exports: [OperationHandlers, DeliveryWorker, OperationRunner, ProvidersModule, ConnectionsModule],
})
export class OperationsModule {}
