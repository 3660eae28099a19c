import {
  type ClassProvider,
  type DynamicModule,
  type ExistingProvider,
  type FactoryProvider,
  Global,
  Module,
  type Provider,
  type ValueProvider,
} from '@nestjs/common';
import { UPSTREAM_AUDIT_SINK, UPSTREAM_LOGGER } from './upstream-http.constants';
import { UpstreamHttpFactory } from './upstream-http.factory';
import type { UpstreamAuditSink, UpstreamLogger } from './upstream-http.types';

/** How to build a dependency, without the `provide` token (the module sets it). */
export type ProviderRecipe<T> =
  | Omit<ValueProvider<T>, 'provide'>
  | Omit<ClassProvider<T>, 'provide'>
  | Omit<ExistingProvider<T>, 'provide'>
  | Omit<FactoryProvider<T>, 'provide'>;

export interface UpstreamHttpModuleOptions {
  /** The audit sink, e.g. `{ useExisting: AuditWriter }`. */
  auditSink?: ProviderRecipe<UpstreamAuditSink>;
  /** The logger, e.g. `{ useValue: pinoLogger }`. */
  logger?: ProviderRecipe<UpstreamLogger>;
  /** Modules the sink or logger providers need. */
  imports?: DynamicModule['imports'];
}

/**
 * Global module exporting `UpstreamHttpFactory`. The audit sink and logger are optional: bind
 * them with `forRoot`, or provide `UPSTREAM_AUDIT_SINK` / `UPSTREAM_LOGGER` in a global module.
 */
@Global()
@Module({ providers: [UpstreamHttpFactory], exports: [UpstreamHttpFactory] })
export class UpstreamHttpModule {
  static forRoot(options: UpstreamHttpModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [UpstreamHttpFactory];
    const exports: DynamicModule['exports'] = [UpstreamHttpFactory];
    if (options.auditSink) {
      providers.push({ ...options.auditSink, provide: UPSTREAM_AUDIT_SINK } as Provider);
      exports.push(UPSTREAM_AUDIT_SINK);
    }
    if (options.logger) {
      providers.push({ ...options.logger, provide: UPSTREAM_LOGGER } as Provider);
      exports.push(UPSTREAM_LOGGER);
    }
    return {
      module: UpstreamHttpModule,
      global: true,
      imports: options.imports ?? [],
      providers,
      exports,
    };
  }
}
