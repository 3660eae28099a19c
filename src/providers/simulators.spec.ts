import { SimulatorConfigError } from '@lib/simulators';
import {
  DEFAULT_CREDENTIALS,
  simulatorCredentials,
  simulatorOptionsFromEnv,
  startAllSimulators,
} from './simulators';

describe('simulatorOptionsFromEnv', () => {
  it('documents its defaults', () => {
    const config = simulatorOptionsFromEnv({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.ports).toEqual({
      dms: 4101,
      'gep-smart': 4102,
      'gep-quantum': 4103,
      'delivery-solutions': 4104,
    });
    expect(config.options.dms.tokenTtlSeconds).toBe(3600);
    expect(simulatorCredentials(config)).toEqual({
      dms: { apiKey: 'sim-dms-key', username: 'sim-dms-user', password: 'sim-dms-password' },
      'gep-smart': { authKey: 'sim-gep-auth-key', sharedSecret: 'sim-gep-shared-secret' },
      'gep-quantum': { authKey: 'sim-gep-auth-key', subscriptionKey: 'sim-gep-subscription-key' },
      'delivery-solutions': DEFAULT_CREDENTIALS['delivery-solutions'],
    });
  });

  it('reads every SIM_* variable', () => {
    const config = simulatorOptionsFromEnv({
      SIM_HOST: '0.0.0.0',
      SIM_DMS_PORT: '5101',
      SIM_DELIVERY_SOLUTIONS_PORT: '0',
      SIM_TOKEN_TTL_SECONDS: '30',
      SIM_DMS_API_KEY: 'k',
      SIM_DMS_USERNAME: 'u',
      SIM_DMS_PASSWORD: 'p',
      SIM_GEP_AUTH_KEY: 'g',
      SIM_GEP_SUBSCRIPTION_KEY: 's',
      SIM_GEP_SHARED_SECRET: 'ss',
      SIM_DS_CLIENT_ID: 'ci',
      SIM_DS_CLIENT_SECRET: 'cs',
      SIM_DS_API_KEY: 'ak',
      SIM_DS_TENANT_ID: 't',
      SIM_GEP_SMART_PORT: '',
    });
    expect(config.host).toBe('0.0.0.0');
    expect(config.ports.dms).toBe(5101);
    expect(config.ports['gep-smart']).toBe(4102);
    expect(config.ports['delivery-solutions']).toBe(0);
    expect(config.options['gep-quantum'].tokenTtlSeconds).toBe(30);
    expect(simulatorCredentials(config)).toEqual({
      dms: { apiKey: 'k', username: 'u', password: 'p' },
      'gep-smart': { authKey: 'g', sharedSecret: 'ss' },
      'gep-quantum': { authKey: 'g', subscriptionKey: 's' },
      'delivery-solutions': { clientId: 'ci', clientSecret: 'cs', apiKey: 'ak', tenantId: 't' },
    });
  });

  it.each([
    ['SIM_DMS_PORT', '70000'],
    ['SIM_GEP_QUANTUM_PORT', 'abc'],
    ['SIM_TOKEN_TTL_SECONDS', '0'],
    ['SIM_TOKEN_TTL_SECONDS', '1.5'],
  ])('names the bad variable %s=%s', (name, value) => {
    expect(() => simulatorOptionsFromEnv({ [name]: value })).toThrow(SimulatorConfigError);
    expect(() => simulatorOptionsFromEnv({ [name]: value })).toThrow(name);
  });
});

describe('startAllSimulators', () => {
  it('starts all four on random ports, each with its own credentials, and stops them', async () => {
    const config = simulatorOptionsFromEnv({ SIM_DMS_API_KEY: 'custom-key' });
    const all = await startAllSimulators(config, { port: 0 });
    try {
      expect(all.simulators.map((simulator) => simulator.id)).toEqual([
        'dms',
        'gep-smart',
        'gep-quantum',
        'delivery-solutions',
      ]);
      for (const simulator of all.simulators) {
        const health = await fetch(`${simulator.url}/__sim/health`);
        expect(await health.json()).toEqual({ status: 'ok', simulator: simulator.id });
      }
      const dmsUrl = all.get('dms')!.url;
      const refused = await fetch(`${dmsUrl}/api/invoices/generate`, {
        method: 'POST',
        headers: { authorization: 'Bearer sim-dms-key', 'content-type': 'application/json' },
        body: '{}',
      });
      expect(refused.status).toBe(401);
      const token = await fetch(`${all.get('gep-smart')!.url}/token/gep`, {
        headers: { 'gep-auth-key': 'sim-gep-auth-key' },
      });
      expect(token.status).toBe(200);
    } finally {
      await all.stop();
    }
    await expect(fetch(`${all.simulators[0].url}/__sim/health`)).rejects.toThrow();
  });

  it('starts only the requested ids and cleans up when a port is taken', async () => {
    const config = simulatorOptionsFromEnv({});
    const one = await startAllSimulators(config, { ids: ['gep-quantum'], port: 0 });
    try {
      expect(one.simulators).toHaveLength(1);
      expect(one.get('dms')).toBeUndefined();
      const taken = { ...config, ports: { ...config.ports, 'gep-smart': one.simulators[0].port } };
      await expect(
        startAllSimulators(
          { ...taken, ports: { ...taken.ports, dms: 0 } },
          { ids: ['dms', 'gep-smart'] },
        ),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await one.stop();
    }
  });
});
