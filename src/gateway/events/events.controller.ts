import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../common/http/auth.decorators';
import { ApiProblems } from '../../common/http/api-problems';
import { EventsService } from '../../events/events.service';
import { VisibleClient } from '../operations/operations.controller';
import { EventListDto, EventListQueryDto } from './events.dto';

/** The event outbox for consumers that poll (docs/webhooks.md). */
@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @Auth('operations:read')
  @ApiOperation({
    operationId: 'listEvents',
    summary:
      "Events, oldest first, filtered by type and since; cursor paging (a client sees its own, admin every client's and system events)",
  })
  @ApiOkResponse({ type: EventListDto, description: 'A page of events' })
  @ApiProblems(400)
  list(
    @VisibleClient() clientId: string | undefined,
    @Query() query: EventListQueryDto,
  ): Promise<EventListDto> {
    return this.events.list(clientId, query);
  }
}
