import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../common/http/auth.decorators';
import { ApiProblems } from '../../common/http/api-problems';
import { VisibleClient } from '../operations/operations.controller';
import { uuidParam } from '../problem/validation';
import { DOCUMENT_LIST_EXAMPLES, DOCUMENT_TIMELINE_EXAMPLES } from './document-examples';
import { DocumentListDto, DocumentListQueryDto, DocumentTimelineDto } from './document.dto';
import { DocumentsService } from './documents.service';

/**
 * Business documents and what the gateway did to each (DESIGN.md section 13): one read answers
 * "what did we post for invoice X, and was it paid?" across upstreams.
 */
@ApiTags('documents')
@Controller('v1/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get()
  @Auth('operations:read')
  @ApiOperation({
    operationId: 'listDocuments',
    summary:
      'Documents the gateway touched, most recently changed first: search by reference, upstream number or party code, filter by provider and kind; cursor paging',
  })
  @ApiOkResponse({
    type: DocumentListDto,
    description: 'A page of documents',
    examples: DOCUMENT_LIST_EXAMPLES,
  })
  @ApiProblems(400)
  list(
    @VisibleClient() clientId: string | undefined,
    @Query() query: DocumentListQueryDto,
  ): Promise<DocumentListDto> {
    return this.documents.list(clientId, query);
  }

  @Get(':id/timeline')
  @Auth('operations:read')
  @ApiOperation({
    operationId: 'getDocumentTimeline',
    summary: 'One document and its changes, oldest first, each with the operation that made it',
  })
  @ApiOkResponse({
    type: DocumentTimelineDto,
    description: 'The document and its timeline',
    examples: DOCUMENT_TIMELINE_EXAMPLES,
  })
  @ApiProblems(400, 404)
  timeline(
    @VisibleClient() clientId: string | undefined,
    @Param('id', uuidParam()) id: string,
  ): Promise<DocumentTimelineDto> {
    return this.documents.timeline(clientId, id);
  }
}
