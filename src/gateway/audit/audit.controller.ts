import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditQueryService } from '../../audit/audit-query.service';
import { Auth } from '../auth/auth.decorators';
import { AuditLogPageDto, AuditLogQueryDto } from './audit-query.dto';

@ApiTags('audit')
@Controller('v1/audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @Auth('audit:read')
  @ApiOperation({ summary: 'Audit rows, newest first, filtered, with cursor paging' })
  @ApiOkResponse({ type: AuditLogPageDto })
  list(@Query() query: AuditLogQueryDto): Promise<AuditLogPageDto> {
    return this.audit.find(query);
  }
}
