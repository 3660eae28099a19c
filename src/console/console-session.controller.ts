import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  SetMetadata,
  applyDecorators,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, REQUIRED_SCOPES } from '../common/http/auth.decorators';
import { contextOf, type ApiPrincipal } from '../common/http/request-context';
import { ApiProblems } from '../common/http/api-problems';
import { ProblemException } from '../problem/problem';
import type { LiveConsoleSession } from '../database/repositories/console-sessions.repository';
import { ConsoleSessionDto, ConsoleSignInDto } from './console-session.dto';
import { ConsoleSessions } from './console-sessions.service';

const SET_COOKIE = {
  'Set-Cookie': {
    description:
      'igw_console=<token>; Path=/; HttpOnly; SameSite=Strict; Max-Age=… (Secure over TLS)',
    schema: { type: 'string' },
  },
};

/** Needs the session cookie (the guard accepts it); the OpenAPI document says so. */
const SessionAuth = () =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES, []),
    ApiSecurity('console-session'),
    ApiProblems(401, 403, 429),
  );

/** Sign-in, who is signed in, sign-out: the console's session (docs/console.md). */
@ApiTags('console')
@Controller('console/session')
export class ConsoleSessionController {
  constructor(private readonly sessions: ConsoleSessions) {}

  @Post()
  @Public()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createConsoleSession',
    summary:
      'Sign in to the console: exchange an API key for an HttpOnly, SameSite=Strict session cookie (rate-limited per IP address)',
  })
  @ApiBody({ type: ConsoleSignInDto })
  @ApiCreatedResponse({ type: ConsoleSessionDto, description: 'Signed in', headers: SET_COOKIE })
  @ApiProblems(400, 401, 413, 415, 429)
  async create(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() dto: ConsoleSignInDto,
  ): Promise<ConsoleSessionDto> {
    const ctx = contextOf(request);
    ctx.operation = 'console.sign-in';
    const signedIn = await this.sessions.signIn(request, dto.apiKey);
    // the sign-in's audit row names the client (the key in its body is redacted)
    ctx.principal = signedIn.principal;
    void reply.header('set-cookie', signedIn.cookie);
    return view(signedIn.principal, signedIn.session);
  }

  @Get()
  @SessionAuth()
  @ApiOperation({
    operationId: 'getConsoleSession',
    summary: 'Who is signed in to the console, with which scopes, until when',
  })
  @ApiOkResponse({ type: ConsoleSessionDto, description: 'The current session' })
  current(@Req() request: FastifyRequest): ConsoleSessionDto {
    const ctx = contextOf(request);
    ctx.operation = 'console.session';
    return view(principalOf(request), this.sessionOf(request));
  }

  @Delete()
  @SessionAuth()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteConsoleSession',
    summary:
      'Sign out: the session ends server-side and the cookie is dropped (needs X-Console-Csrf: 1)',
  })
  @ApiNoContentResponse({ description: 'Signed out', headers: SET_COOKIE })
  async remove(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    contextOf(request).operation = 'console.sign-out';
    this.sessionOf(request);
    void reply.header('set-cookie', await this.sessions.signOut(request));
  }

  private sessionOf(request: FastifyRequest): LiveConsoleSession {
    const session = this.sessions.sessionOf(request);
    if (!session) {
      throw new ProblemException('unauthorized', {
        detail: 'No console session: sign in with POST /console/session',
      });
    }
    return session;
  }
}

function principalOf(request: FastifyRequest): ApiPrincipal {
  const principal = contextOf(request).principal;
  if (!principal) throw new ProblemException('unauthorized');
  return principal;
}

function view(principal: ApiPrincipal, session: LiveConsoleSession): ConsoleSessionDto {
  return {
    clientId: principal.clientId,
    clientName: principal.clientName,
    scopes: [...principal.scopes].sort(),
    expiresAt: session.expiresAt.toISOString(),
  };
}
