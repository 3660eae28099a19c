import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../database/repositories/repositories.module';
import { ProvidersModule } from '../providers/providers.module';
import { CommandExecutor } from './command-executor';
import { DeliveryWorker } from './delivery-worker';
import { KeyedLock } from './keyed-lock';
import { OperationRunner } from './operation-runner';

/** The operations engine: commands, the executor that runs them, the runner and the queue worker. */
@Module({
  imports: [RepositoriesModule, ProvidersModule],
  providers: [KeyedLock, CommandExecutor, DeliveryWorker, OperationRunner],
  exports: [CommandExecutor, DeliveryWorker, OperationRunner, RepositoriesModule, ProvidersModule],
})
export class OperationsModule {}
