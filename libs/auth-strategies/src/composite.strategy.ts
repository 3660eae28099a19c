import type { AuthContext, AuthStrategy, OutgoingRequest } from './auth-strategy';

/** Several strategies applied to one request, in order (e.g. GEP token + envelope + mTLS). */
export class CompositeAuthStrategy implements AuthStrategy {
  readonly name: string;
  readonly refreshable: boolean;

  constructor(private readonly strategies: readonly AuthStrategy[]) {
    if (strategies.length === 0) throw new Error('CompositeAuthStrategy: no strategy given');
    this.name = strategies.map((s) => s.name).join('+');
    this.refreshable = strategies.some((s) => s.refreshable);
  }

  async apply(req: OutgoingRequest, ctx: AuthContext): Promise<void> {
    for (const strategy of this.strategies) await strategy.apply(req, ctx);
  }

  invalidate(rejected?: OutgoingRequest): void {
    for (const strategy of this.strategies) strategy.invalidate?.(rejected);
  }

  secretValues(): string[] {
    return this.strategies.flatMap((s) => s.secretValues?.() ?? []);
  }

  close(): void {
    for (const strategy of this.strategies) strategy.close?.();
  }
}

/** Shorthand for `new CompositeAuthStrategy([...])`. */
export function composeAuth(...strategies: AuthStrategy[]): AuthStrategy {
  return strategies.length === 1 ? strategies[0] : new CompositeAuthStrategy(strategies);
}
