import { Module } from '@nestjs/common';
import { ProvidersModule } from '../providers/providers.module';
import { ConnectionRegistry } from './connection-registry';
import { ConnectionsService } from './connections.service';

/**
 * Connections (DESIGN section 11): the registry of every connection's provider instance, and the
 * service that creates, changes, tests and re-seals stored ones. The repositories come from the
 * global DatabaseModule.
 */
@Module({
  imports: [ProvidersModule],
  providers: [ConnectionRegistry, ConnectionsService],
  exports: [ConnectionRegistry, ConnectionsService, ProvidersModule],
})
export class ConnectionsModule {}
