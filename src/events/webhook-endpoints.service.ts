import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { WebhooksRepository } from '../database/repositories/webhooks.repository';
import { generateWebhookSecret } from '../common/webhooks/standard-webhooks';
import { newDeliveryId, newEndpointId, newEventId } from '../common/webhooks/ids';
import type { EventType } from '../common/webhooks/event-types';
import { ProblemException, validationProblem } from '../problem/problem';
import { CallbackRefused, checkCallbackUrl } from '../operations/callbacks/callback-policy';
import { DeliveryWorker } from '../operations/delivery-worker';
import { deliveryView, type DeliveryView, endpointView, type EndpointView } from './event-view';

/** After a rotation the previous secret keeps signing beside the new one this long. */
export const PREVIOUS_SECRET_MS = 24 * 3_600_000;

/** Who is asking: the client, and whether it holds `admin` (sees and receives all). */
export interface EndpointOwner {
  clientId: string;
  admin: boolean;
}

export interface NewEndpointInput {
  url: string;
  eventTypes?: EventType[];
  description?: string;
}

export interface EndpointPatch {
  url?: string;
  eventTypes?: EventType[];
  description?: string;
  disabled?: boolean;
}

/**
 * Webhook endpoints per API client (scope `webhooks:manage`): a client manages its own, an
 * admin client every one. URLs follow the callback policy (scheme, CALLBACK_ALLOWED_HOSTS, no
 * loopback, private, link-local or metadata address); a refused one is a 400 naming `url`.
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly worker: DeliveryWorker,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(
    owner: EndpointOwner,
    input: NewEndpointInput,
  ): Promise<EndpointView & { secret: string }> {
    await this.checkUrl(input.url);
    const secret = generateWebhookSecret();
    const row = await this.repo.createEndpoint({
      id: newEndpointId(),
      clientId: owner.clientId,
      receivesAll: owner.admin,
      url: input.url,
      eventTypes: [...new Set(input.eventTypes ?? [])],
      description: input.description ?? null,
      secret,
    });
    return { ...endpointView(row), secret };
  }

  async list(owner: EndpointOwner): Promise<{ items: EndpointView[] }> {
    const rows = await this.repo.listEndpoints(scope(owner));
    return { items: rows.map(endpointView) };
  }

  async get(owner: EndpointOwner, id: string): Promise<EndpointView> {
    const row = await this.repo.findEndpoint(id, scope(owner));
    if (!row) throw notFound(id);
    return endpointView(row);
  }

  async update(owner: EndpointOwner, id: string, patch: EndpointPatch): Promise<EndpointView> {
    if (patch.url !== undefined) await this.checkUrl(patch.url);
    const row = await this.repo.updateEndpoint(id, scope(owner), {
      url: patch.url,
      eventTypes: patch.eventTypes ? [...new Set(patch.eventTypes)] : undefined,
      description: patch.description,
      disabled: patch.disabled,
    });
    if (!row) throw notFound(id);
    if (patch.disabled === false) this.worker.wake();
    return endpointView(row);
  }

  async remove(owner: EndpointOwner, id: string): Promise<void> {
    if (!(await this.repo.deleteEndpoint(id, scope(owner)))) throw notFound(id);
  }

  /** A new secret, shown once; the previous one keeps signing beside it for 24 hours. */
  async rotateSecret(owner: EndpointOwner, id: string): Promise<EndpointView & { secret: string }> {
    const secret = generateWebhookSecret();
    const row = await this.repo.rotateSecret(id, scope(owner), secret, PREVIOUS_SECRET_MS);
    if (!row) throw notFound(id);
    return { ...endpointView(row), secret };
  }

  async deliveries(
    owner: EndpointOwner,
    id: string,
    query: { cursor?: string; limit?: number },
  ): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    await this.get(owner, id);
    const limit = query.limit ?? 50;
    const rows = await this.repo.listDeliveries(
      id,
      limit,
      query.cursor ? decodeCursor(query.cursor) : undefined,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(deliveryView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /** Sends a delivery again at once, whatever its state or the schedule. */
  async retry(owner: EndpointOwner, id: string, deliveryId: string): Promise<DeliveryView> {
    await this.get(owner, id);
    const row = await this.repo.retryDelivery(id, deliveryId);
    if (!row) {
      throw new ProblemException('not_found', {
        detail: `No delivery ${deliveryId} for webhook endpoint ${id}`,
      });
    }
    this.worker.wake();
    return deliveryView(row);
  }

  /** A `webhook.test` event addressed to this endpoint only, delivered like any other. */
  async test(owner: EndpointOwner, id: string): Promise<DeliveryView> {
    const endpoint = await this.get(owner, id);
    const eventId = newEventId();
    const row = await this.repo.insertEventFor(
      {
        id: eventId,
        type: 'webhook.test',
        clientId: owner.clientId,
        connection: '',
        provider: null,
        subject: id,
        data: { endpointId: id, url: endpoint.url, message: 'A test event from invoice-gateway' },
      },
      id,
      newDeliveryId(),
    );
    this.worker.wake();
    return deliveryView({ ...row, eventType: 'webhook.test' });
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await checkCallbackUrl(url, this.config.callbacks);
    } catch (error) {
      if (!(error instanceof CallbackRefused)) throw error;
      throw validationProblem([
        { path: 'url', code: 'urlRefused', message: `url ${error.reason}` },
      ]);
    }
  }
}

function scope(owner: EndpointOwner): string | undefined {
  return owner.admin ? undefined : owner.clientId;
}

function notFound(id: string): ProblemException {
  return new ProblemException('not_found', { detail: `No webhook endpoint ${id}` });
}

const CURSOR = /^d:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z),(dlv_[0-9a-f]{32})$/;

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`d:${createdAt.toISOString()},${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw validationProblem(
      [
        {
          path: 'cursor',
          code: 'invalidCursor',
          message: 'cursor must be a nextCursor value from a previous page',
        },
      ],
      'query',
    );
  }
  return { createdAt: new Date(match[1]), id: match[2] };
}
