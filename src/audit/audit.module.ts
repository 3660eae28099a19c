import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditQueryService } from './audit-query.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditWriter } from './audit-writer.service';
import { OutboundAuditSink } from './outbound-audit.sink';

@Module({
  controllers: [AuditController],
  providers: [AuditWriter, AuditQueryService, AuditRetentionService, OutboundAuditSink],
  exports: [AuditWriter, AuditRetentionService, OutboundAuditSink],
})
export class AuditModule {}
