import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../database/repositories/repositories.module';
import { ProvidersModule } from '../providers/providers.module';
import { CommandExecutor } from './command-executor';
import { KeyedLock } from './keyed-lock';
import { OperationRunner } from './operation-runner';

/** The operations engine: commands, the executor that runs them, and the inline runner. */
@Module({
  imports: [RepositoriesModule, ProvidersModule],
  providers: [KeyedLock, CommandExecutor, OperationRunner],
  exports: [CommandExecutor, OperationRunner, RepositoriesModule, ProvidersModule],
})
export class OperationsModule {}
