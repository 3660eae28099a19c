import { Module } from '@nestjs/common';
import { AuditQueryService } from './audit-query.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditVerifier } from './audit-verifier.service';
import { AuditWriter } from './audit-writer.service';
import { OutboundAuditSink } from './outbound-audit.sink';

@Module({
  providers: [
    AuditWriter,
    AuditQueryService,
    AuditVerifier,
    AuditRetentionService,
    OutboundAuditSink,
  ],
  exports: [
    AuditWriter,
    AuditQueryService,
    AuditVerifier,
    AuditRetentionService,
    OutboundAuditSink,
  ],
})
export class AuditModule {}
