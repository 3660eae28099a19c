import { type AuthStrategy, type OutgoingRequest, setHeader } from './auth-strategy';

/** HTTP Basic: `Authorization: Basic base64(username:password)`. */
export class BasicAuthStrategy implements AuthStrategy {
  readonly name = 'basic';
  readonly refreshable = false;
  private readonly header: string;

  constructor(private readonly options: { username: string; password: string }) {
    this.header = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  }

  async apply(req: OutgoingRequest): Promise<void> {
    setHeader(req.headers, 'Authorization', this.header);
  }

  secretValues(): string[] {
    return [this.options.password, this.header.slice('Basic '.length)];
  }
}
