import { type AuthStrategy, type OutgoingRequest, setHeader } from './auth-strategy';

/** `Authorization: Bearer <key>` with a fixed API key. */
export class StaticBearerStrategy implements AuthStrategy {
  readonly name = 'static-bearer';
  readonly refreshable = false;

  constructor(private readonly options: { token: string }) {
    if (!options.token) throw new Error('StaticBearerStrategy: token is empty');
  }

  async apply(req: OutgoingRequest): Promise<void> {
    setHeader(req.headers, 'Authorization', `Bearer ${this.options.token}`);
  }

  secretValues(): string[] {
    return [this.options.token];
  }
}
