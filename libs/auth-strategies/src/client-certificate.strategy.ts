import { readFileSync } from 'node:fs';
import type { AuthStrategy, OutgoingRequest } from './auth-strategy';
import type { ClientTlsOptions } from './http-transport';

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
}

/**
 * Mutual TLS: the client certificate, key and CA read once from files into one TLS
 * configuration, set on every request (the HTTP client keeps one keep-alive pool for it).
 */
export class ClientCertificateStrategy implements AuthStrategy {
  readonly name = 'client-certificate';
  readonly refreshable = false;
  /** The TLS configuration; may also be given to a token strategy for its token requests. */
  readonly tls: Readonly<ClientTlsOptions>;

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
    this.tls = Object.freeze({
      cert: read(options.certFile, 'certificate'),
      key: read(options.keyFile, 'key'),
      ca: options.caFile ? read(options.caFile, 'CA') : undefined,
      passphrase: options.passphrase,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
    });
  }

  async apply(req: OutgoingRequest): Promise<void> {
    req.tls = this.tls;
  }

  secretValues(): string[] {
    return this.options.passphrase ? [this.options.passphrase] : [];
  }
}
