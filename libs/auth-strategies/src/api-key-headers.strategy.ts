import { type AuthStrategy, type OutgoingRequest, setHeader } from './auth-strategy';

export interface ApiKeyHeadersOptions {
  /** Header name -> value, e.g. `{ 'x-api-key': key, tenantid: tenant }`. */
  headers: Record<string, string>;
  /**
   * Names of the headers whose values are secrets (masked from messages). Default: every
   * header except those listed in `publicHeaders`.
   */
  publicHeaders?: string[];
}

/** Fixed headers carrying API keys: `x-api-key` + `tenantid`, `Ocp-Apim-Subscription-Key`, ... */
export class ApiKeyHeadersStrategy implements AuthStrategy {
  readonly name = 'api-key-headers';
  readonly refreshable = false;

  constructor(private readonly options: ApiKeyHeadersOptions) {
    if (Object.keys(options.headers).length === 0) {
      throw new Error('ApiKeyHeadersStrategy: no header configured');
    }
  }

  async apply(req: OutgoingRequest): Promise<void> {
    for (const [name, value] of Object.entries(this.options.headers))
      setHeader(req.headers, name, value);
  }

  secretValues(): string[] {
    const open = new Set((this.options.publicHeaders ?? []).map((h) => h.toLowerCase()));
    return Object.entries(this.options.headers)
      .filter(([name]) => !open.has(name.toLowerCase()))
      .map(([, value]) => value);
  }
}
