export type TokenFailureReason = 'http_status' | 'invalid_body' | 'network' | 'timeout' | 'aborted';

/**
 * A token endpoint could not give a token. Names the provider; never carries a secret.
 * The outbound HTTP library translates it into its own upstream error.
 */
export class TokenAcquisitionError extends Error {
  override readonly name = 'TokenAcquisitionError';
  readonly provider: string;
  readonly httpStatus?: number;
  /** True when trying again later may succeed (network, timeout, 429, 5xx). */
  readonly transient: boolean;
  readonly reason: TokenFailureReason;

  constructor(args: {
    provider: string;
    message: string;
    reason: TokenFailureReason;
    transient: boolean;
    httpStatus?: number;
    cause?: unknown;
  }) {
    super(args.message, args.cause === undefined ? undefined : { cause: args.cause });
    this.provider = args.provider;
    this.httpStatus = args.httpStatus;
    this.transient = args.transient;
    this.reason = args.reason;
  }
}
