import { loadAppConfig } from './config/app-config';
import { providersConfigPart, type ConfigWithProviders } from './providers/providers-config';

/**
 * The gateway's whole configuration: the app's own settings (src/config) and every listed
 * provider's (read by its definition). Composed here, at the entry points' level, because config
 * sits below providers and never imports them.
 */
export type GatewayConfig = ConfigWithProviders;

/** Reads and validates the environment; throws ConfigValidationError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadAppConfig(env, { providers: providersConfigPart });
}
