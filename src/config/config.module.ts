import { Global, Module } from '@nestjs/common';
import type { AppConfig } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Imported through `withConfig`: the entry points load and validate the configuration first. */
@Global()
@Module({})
export class ConfigModule {
  /** Use an already-validated config (main.ts validates before Nest starts; tests pass their own). */
  static withConfig(config: AppConfig) {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
