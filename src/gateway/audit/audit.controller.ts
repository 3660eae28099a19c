import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../common/http/auth.decorators';
import { ApiProblems } from '../../common/http/api-problems';
import {
  AuditHeadDto,
  AuditLogFilterDto,
  AuditLogPageDto,
  AuditLogQueryDto,
  AuditVerifyQueryDto,
  AuditVerifyResultDto,
} from './audit-query.dto';
import { AuditQueryService } from '../../audit/audit-query.service';
import { AuditVerifier } from '../../audit/audit-verifier.service';
import { timeRange } from '../../audit/time-range';

export const NDJSON = 'application/x-ndjson';

@ApiTags('audit')
@Controller('v1/audit-logs')
export class AuditController {
  constructor(
    private readonly audit: AuditQueryService,
    private readonly verifier: AuditVerifier,
  ) {}

  @Get()
  @Auth('audit:read')
  @ApiOperation({
    operationId: 'listAuditLogs',
    summary: 'Audit rows, newest first, filtered, with cursor paging',
  })
  @ApiOkResponse({ type: AuditLogPageDto, description: 'One page of audit rows' })
  @ApiProblems(400)
  list(@Query() query: AuditLogQueryDto): Promise<AuditLogPageDto> {
    return this.audit.find(query);
  }

  @Get('head')
  @Auth('audit:read')
  @ApiOperation({
    operationId: 'getAuditHead',
    summary: "Each hash chain's newest row, and the last verification of the chains",
  })
  @ApiOkResponse({ type: AuditHeadDto, description: 'The chain heads and the last verification' })
  head(): Promise<AuditHeadDto> {
    return this.audit.head();
  }

  @Get('verify')
  @Auth('audit:read')
  @ApiOperation({
    operationId: 'verifyAuditLogs',
    summary: 'Walk the hash chains and report the first break',
    description:
      'Every row is checked against its hash and the row before it. With from/to, each chain is checked from its first row in range, whose prevHash is taken as given.',
  })
  @ApiOkResponse({ type: AuditVerifyResultDto, description: 'What the walk found' })
  @ApiProblems(400)
  verify(@Query() query: AuditVerifyQueryDto): Promise<AuditVerifyResultDto> {
    return this.verifier.verify(timeRange(query.from, query.to));
  }

  @Get('export')
  @Auth('audit:read')
  @ApiOperation({
    operationId: 'exportAuditLogs',
    summary: 'The filtered rows, oldest first, as NDJSON with their chain fields',
    description:
      'One JSON object per line, `at` with the stored microseconds. Verify offline with `node dist/src/audit/chain/verify-export.js <file>` (docs/audit.md: "The audit chain").',
  })
  @ApiProduces(NDJSON)
  @ApiOkResponse({
    description: 'One audit row per line',
    content: { [NDJSON]: { schema: { type: 'string' } } },
  })
  @ApiProblems(400)
  async export(@Query() query: AuditLogFilterDto): Promise<StreamableFile> {
    timeRange(query.from, query.to);
    return new StreamableFile(await this.audit.openExport(query), {
      type: NDJSON,
      disposition: 'attachment; filename="audit-logs.ndjson"',
    });
  }
}
