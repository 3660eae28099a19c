import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditQueryService } from './audit-query.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditWriter } from './audit-writer.service';

@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditWriter, AuditQueryService, AuditRetentionService],
  exports: [AuditWriter, AuditRetentionService],
})
export class AuditModule {}
