import type { AuthStrategy, AuthContext, OutgoingRequest } from './auth-strategy';

export interface EnvelopeParty {
  domain: string;
  identity: string;
}

export interface EnvelopeSender extends EnvelopeParty {
  sharedSecret: string;
  userAgent: string;
}

export interface SharedSecretEnvelopeOptions {
  from: EnvelopeParty;
  to: EnvelopeParty;
  sender: EnvelopeSender;
  /**
   * Which objects get the block: each of `body.models` (default), each item of a top-level
   * array body, or the body itself.
   */
  target?: 'models' | 'array' | 'body';
  /** Property that holds the block, default `header`. */
  property?: string;
}

/** The block added to each model. */
export interface EnvelopeHeader {
  from: EnvelopeParty;
  to: EnvelopeParty;
  sender: EnvelopeSender;
}

/**
 * Body-embedded shared secret (GEP `header` block: from / to / sender with `sharedSecret`).
 * Replaces the request body with a copy; the caller's object is never changed.
 */
export class SharedSecretEnvelopeStrategy implements AuthStrategy {
  readonly name = 'shared-secret-envelope';
  readonly refreshable = false;

  constructor(private readonly options: SharedSecretEnvelopeOptions) {
    if (!options.sender.sharedSecret)
      throw new Error('SharedSecretEnvelopeStrategy: sharedSecret is empty');
  }

  async apply(req: OutgoingRequest, ctx: AuthContext): Promise<void> {
    const property = this.options.property ?? 'header';
    const withHeader = (item: unknown, where: string): Record<string, unknown> => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new Error(
          `shared-secret envelope for provider "${ctx.provider}": ${where} is not an object`,
        );
      }
      return { ...(item as Record<string, unknown>), [property]: this.header() };
    };
    const body = req.body;
    switch (this.options.target ?? 'models') {
      case 'models': {
        const models = (body as { models?: unknown } | null)?.models;
        if (!Array.isArray(models)) {
          throw new Error(
            `shared-secret envelope for provider "${ctx.provider}": body has no models array`,
          );
        }
        req.body = {
          ...(body as Record<string, unknown>),
          models: models.map((m: unknown, i) => withHeader(m, `models[${i}]`)),
        };
        return;
      }
      case 'array':
        if (!Array.isArray(body)) {
          throw new Error(
            `shared-secret envelope for provider "${ctx.provider}": body is not an array`,
          );
        }
        req.body = body.map((m: unknown, i) => withHeader(m, `item ${i}`));
        return;
      case 'body':
        req.body = withHeader(body, 'body');
        return;
    }
  }

  secretValues(): string[] {
    return [this.options.sender.sharedSecret];
  }

  private header(): EnvelopeHeader {
    const { from, to, sender } = this.options;
    return {
      from: { domain: from.domain, identity: from.identity },
      to: { domain: to.domain, identity: to.identity },
      sender: {
        domain: sender.domain,
        identity: sender.identity,
        sharedSecret: sender.sharedSecret,
        userAgent: sender.userAgent,
      },
    };
  }
}
