import type { FastifyInstance } from 'fastify';

/**
 * A simulator's id: the id of the provider it stands for. The library keeps no list of them: each
 * provider's definition (src/providers/<id>/) says how its simulator is built.
 */
export type SimulatorId = string;

/** Options every simulator understands. */
export interface CommonSimulatorOptions {
  /** Lifetime of issued tokens in seconds (SIM_TOKEN_TTL_SECONDS, default 3600). */
  tokenTtlSeconds: number;
  /** Clock in epoch milliseconds; tokens, "not in the future" rules and dates use it. */
  now: () => number;
  /** How many requests `GET /__sim/requests` keeps (default 200). */
  requestLogSize: number;
}

/** A simulator that has been built but not necessarily started. */
export interface Simulator {
  readonly id: SimulatorId;
  /** The Fastify instance, for `inject()`-based tests (no socket needed). */
  readonly app: FastifyInstance;
  /** Listens on `port` (0 = any free port) and `host`; a simulator can be started once. */
  start(port?: number, host?: string): Promise<RunningSimulator>;
  /** Clears state, faults, issued tokens and the request log. */
  reset(): void;
}

/** A simulator listening on a socket. */
export interface RunningSimulator {
  id: SimulatorId;
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** Closes the server, destroying open (also hanging) connections. Safe to call twice. */
  stop(): Promise<void>;
  reset(): void;
}
