import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import type { ApiClientEntity } from '../../database/entities';
import { ApiClientsRepository } from '../../database/repositories/api-clients.repository';
import type { ApiPrincipal } from '../../common/http/request-context';
import { displayPrefix, generateApiKey, hashApiKey, sameHash } from './api-key';
import { SCOPES, Scope, isScope } from '../../common/http/scopes';

export interface CreatedClient {
  client: ApiClientEntity;
  /** The key in clear: shown once, never stored. */
  key: string;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** API clients: creation, listing, revocation and key authentication. */
@Injectable()
export class ApiClientsService {
  private readonly logger = new Logger('ApiClients');
  private readonly bootstrapHash?: string;
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly repo: ApiClientsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const bootstrap = config.auth.bootstrapApiKey;
    if (bootstrap) this.bootstrapHash = hashApiKey(bootstrap);
  }

  /** `connections`: the connections it may use (absent: every one). */
  async create(name: string, scopes: string[], connections?: string[]): Promise<CreatedClient> {
    const trimmed = name.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/.test(trimmed)) {
      throw new Error('name must be 1-100 letters, digits, spaces, dots, dashes or underscores');
    }
    const unknown = scopes.filter((s) => !isScope(s));
    if (unknown.length) {
      throw new Error(`unknown scope(s): ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`);
    }
    if (scopes.length === 0)
      throw new Error(`at least one scope is required: ${SCOPES.join(', ')}`);
    const badConnection = connections?.find((c) => !/^[a-z0-9-]{1,63}$/.test(c));
    if (badConnection !== undefined) {
      throw new Error(`connection names are 1-63 of a-z, 0-9 and -: "${badConnection}" is not`);
    }
    const existing = await this.repo.findByName(trimmed);
    if (existing) throw new Error(`a client named "${trimmed}" exists already`);
    const key = generateApiKey();
    const client = await this.repo.create({
      name: trimmed,
      keyHash: hashApiKey(key),
      keyPrefix: displayPrefix(key),
      scopes: [...new Set(scopes)],
      ...(connections ? { connections: [...new Set(connections)] } : {}),
    });
    if (!client) throw new Error(`a client named "${trimmed}" exists already`);
    return { client, key };
  }

  list(): Promise<ApiClientEntity[]> {
    return this.repo.list();
  }

  /** Revokes by id or name; true when a live client was revoked. */
  async revoke(idOrName: string): Promise<boolean> {
    const uuid = /^[0-9a-f-]{36}$/i.test(idOrName);
    return this.repo.revoke(uuid ? { id: idOrName } : { name: idOrName });
  }

  /** The principal for a presented key, or undefined for missing, unknown and revoked keys alike. */
  async authenticate(key: string | undefined): Promise<ApiPrincipal | undefined> {
    if (!key) return undefined;
    return this.authenticateHash(hashApiKey(key));
  }

  /** The same, for the SHA-256 of a key (a console session keeps only that). */
  async authenticateHash(hash: string): Promise<ApiPrincipal | undefined> {
    if (this.bootstrapHash && sameHash(hash, this.bootstrapHash)) {
      return {
        clientId: 'bootstrap',
        clientName: 'bootstrap',
        scopes: new Set(SCOPES),
        bootstrap: true,
      };
    }
    const client = await this.repo.findByKeyHash(hash);
    if (!client || client.revokedAt !== null || !sameHash(hash, client.keyHash)) return undefined;
    this.touch(client.id);
    return {
      clientId: client.id,
      clientName: client.name,
      scopes: new Set(client.scopes.filter(isScope)),
      bootstrap: false,
      ...(client.connections ? { connections: client.connections } : {}),
    };
  }

  hasScope(principal: ApiPrincipal, scope: Scope): boolean {
    return principal.scopes.has(scope) || principal.scopes.has('admin');
  }

  /** Records last use at most once a minute per client, off the request path. */
  private touch(clientId: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWritten.get(clientId) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(clientId, now);
    this.repo.touch(clientId, new Date(now)).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'Could not record last use of an API client');
    });
  }
}
