import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import {
  ConsoleSessionsRepository,
  type LiveConsoleSession,
} from '../database/repositories/console-sessions.repository';
import { hashApiKey } from '../gateway/auth/api-key';
import { ApiClientsService } from '../gateway/auth/api-clients.service';
import { contextOf, type ApiPrincipal } from '../common/http/request-context';
import { ProblemException } from '../problem/problem';
import {
  CSRF_HEADER,
  MUTATING_METHODS,
  clearedSessionCookie,
  sessionCookie,
  sessionTokenOf,
} from './session-cookie';
import { SignInLimiter } from './sign-in-limiter';

export interface SignedIn {
  principal: ApiPrincipal;
  session: LiveConsoleSession;
  /** Set-Cookie value carrying the new session token. */
  cookie: string;
}

/**
 * Console sessions (docs/console.md): an API key exchanged for a random token kept by the
 * browser in an HttpOnly cookie; the database holds only hashes. Each request with the cookie
 * checks the session and the key again, so sign-out, expiry and key revocation take effect at
 * once. Cookie-authenticated mutating calls must carry `X-Console-Csrf: 1`, a header no other
 * site can make a browser send without this origin's consent (the gateway answers no CORS).
 */
@Injectable()
export class ConsoleSessions {
  private readonly logger = new Logger('ConsoleSessions');
  private readonly repo: ConsoleSessionsRepository;
  private readonly limiter: SignInLimiter;
  private readonly sessions = new WeakMap<FastifyRequest, LiveConsoleSession>();

  constructor(
    dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: ApiClientsService,
  ) {
    this.repo = new ConsoleSessionsRepository(dataSource);
    this.limiter = new SignInLimiter(config.console.signInPerMinute);
  }

  /** Exchanges an API key for a session; 429 over the per-IP limit, 401 for a bad key. */
  async signIn(request: FastifyRequest, apiKey: string): Promise<SignedIn> {
    const wait = this.limiter.take(request.ip);
    if (wait > 0) {
      throw new ProblemException('rate_limited', {
        detail: `Too many sign-in attempts from this address; retry in ${wait} s`,
        headers: { 'retry-after': String(wait) },
      });
    }
    const principal = await this.clients.authenticate(apiKey);
    if (!principal) {
      throw new ProblemException('unauthorized', {
        detail: 'This API key is not valid: unknown, revoked or mistyped',
      });
    }
    const token = randomBytes(32).toString('base64url');
    const ttlMinutes = this.config.console.sessionTtlMinutes;
    const session = await this.repo.insert({
      tokenHash: hashApiKey(token),
      keyHash: hashApiKey(apiKey),
      clientId: principal.clientId,
      ttlMinutes,
    });
    this.repo.prune().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'Could not delete old console sessions');
    });
    return {
      principal,
      session,
      cookie: sessionCookie(token, ttlMinutes * 60, this.secure(request)),
    };
  }

  /**
   * The principal of a request's session cookie, or undefined (no cookie, ended, expired, or
   * the key no longer valid). A mutating call without the CSRF header is refused with 403
   * (after the principal is attached, so the refusal is audited under the client).
   */
  async authenticate(request: FastifyRequest): Promise<ApiPrincipal | undefined> {
    const token = sessionTokenOf(request.headers.cookie);
    if (!token) return undefined;
    const session = await this.repo.findLive(hashApiKey(token));
    if (!session) return undefined;
    const principal = await this.clients.authenticateHash(session.keyHash);
    if (!principal) return undefined;
    this.sessions.set(request, session);
    if (MUTATING_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== '1') {
      contextOf(request).principal = principal;
      throw new ProblemException('forbidden', {
        detail: `A console session must send the header X-Console-Csrf: 1 with ${request.method} requests`,
      });
    }
    return principal;
  }

  /** The session a request was authenticated with, if it came with the cookie. */
  sessionOf(request: FastifyRequest): LiveConsoleSession | undefined {
    return this.sessions.get(request);
  }

  /** Ends the request's session server-side; answers the Set-Cookie that drops it. */
  async signOut(request: FastifyRequest): Promise<string> {
    const session = this.sessions.get(request);
    if (session) await this.repo.end(session.id);
    return clearedSessionCookie(this.secure(request));
  }

  private secure(request: FastifyRequest): boolean {
    return this.config.console.secureCookie || request.protocol === 'https';
  }
}
