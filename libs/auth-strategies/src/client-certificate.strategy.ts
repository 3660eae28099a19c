import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import type { AuthStrategy, OutgoingRequest } from './auth-strategy';

export interface ClientCertificateOptions {
  /** Provider id, for error messages. */
  provider: string;
  /** PEM certificate (chain) file. */
  certFile: string;
  /** PEM private key file. */
  keyFile: string;
  /** PEM CA bundle to trust for the upstream's server certificate (default: system CAs). */
  caFile?: string;
  /** Passphrase of the private key. */
  passphrase?: string;
  /** Verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
  /** Largest number of sockets per host (default Infinity). */
  maxSockets?: number;
}

/** Mutual TLS: a keep-alive `https.Agent` with the client certificate, key and CA from files. */
export class ClientCertificateStrategy implements AuthStrategy {
  readonly name = 'client-certificate';
  readonly refreshable = false;
  /** The agent; may also be given to a token strategy for its token requests. */
  readonly agent: HttpsAgent;

  constructor(private readonly options: ClientCertificateOptions) {
    const read = (file: string, what: string): Buffer => {
      try {
        return readFileSync(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        throw new Error(
          `client certificate for provider "${options.provider}": cannot read ${what} file ${file} (${code})`,
        );
      }
    };
    this.agent = new HttpsAgent({
      keepAlive: true,
      maxSockets: options.maxSockets,
      cert: read(options.certFile, 'certificate'),
      key: read(options.keyFile, 'key'),
      ca: options.caFile ? read(options.caFile, 'CA') : undefined,
      passphrase: options.passphrase,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
    });
  }

  async apply(req: OutgoingRequest): Promise<void> {
    req.httpsAgent = this.agent;
  }

  secretValues(): string[] {
    return this.options.passphrase ? [this.options.passphrase] : [];
  }

  close(): void {
    this.agent.destroy();
  }
}
