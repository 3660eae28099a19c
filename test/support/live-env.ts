import { type RunningSimulators, type SimulatorId } from '@lib/simulators';
import { DEFAULT_CREDENTIALS } from '../../src/providers/simulators';

/** The settings of all four providers in live mode against standalone simulators. */
export function liveProviderEnv(sims: RunningSimulators): Record<string, string> {
  const url = (id: SimulatorId) => sims.get(id)!.url;
  const c = DEFAULT_CREDENTIALS;
  return {
    DMS_BASE_URL: url('dms'),
    DMS_API_KEY: c.dms.apiKey,
    GEP_SMART_BASE_URL: url('gep-smart'),
    GEP_SMART_TOKEN_URL: `${url('gep-smart')}/token/gep`,
    GEP_SMART_AUTH_KEY: c['gep-smart'].authKey,
    GEP_SMART_SHARED_SECRET: c['gep-smart'].sharedSecret,
    GEP_QUANTUM_BASE_URL: url('gep-quantum'),
    GEP_QUANTUM_TOKEN_URL: `${url('gep-quantum')}/SmartAuth2/Token`,
    GEP_QUANTUM_AUTH_KEY: c['gep-quantum'].authKey,
    GEP_QUANTUM_SUBSCRIPTION_KEY: c['gep-quantum'].subscriptionKey,
    DELIVERY_SOLUTIONS_BASE_URL: url('delivery-solutions'),
    DELIVERY_SOLUTIONS_TOKEN_URL: `${url('delivery-solutions')}/ent-services/security/v1/oauth/token`,
    DELIVERY_SOLUTIONS_CLIENT_ID: c['delivery-solutions'].clientId,
    DELIVERY_SOLUTIONS_CLIENT_SECRET: c['delivery-solutions'].clientSecret,
  };
}
