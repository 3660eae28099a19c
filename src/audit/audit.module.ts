import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditQueryService } from './audit-query.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditVerifier } from './audit-verifier.service';
import { AuditWriter } from './audit-writer.service';
import { OutboundAuditSink } from './outbound-audit.sink';

@Global()
@Module({
  controllers: [AuditController],
  providers: [
    AuditWriter,
    AuditQueryService,
    AuditVerifier,
    AuditRetentionService,
    OutboundAuditSink,
  ],
  exports: [AuditWriter, AuditVerifier, AuditRetentionService, OutboundAuditSink],
})
export class AuditModule {}
