import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import { setTimeout as sleep } from 'node:timers/promises';
import { fastify, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { DEFAULT_SIM_HOST } from './sim-config';
import { FaultQueue, FaultSpecError, parseFaultSpec, type Fault } from './sim-faults';
import { RequestLog, type LoggedRequest } from './sim-request-log';
import { TokenStore, type TokenFormat } from './sim-tokens';
import type { CommonSimulatorOptions, RunningSimulator, Simulator, SimulatorId } from './sim-types';

/** What one upstream adds to the shared plumbing. */
export interface SimulatorDefinition {
  id: SimulatorId;
  options: CommonSimulatorOptions;
  tokenFormat: TokenFormat;
  /** The upstream's own body for a generic answer: unknown route, unparsable body, crash. */
  errorBody(status: number, message: string): unknown;
  /** The upstream's own body for a fault answer without an explicit `body`. */
  faultBody(status: number, retryAfterSeconds: number | undefined): unknown;
  /** Registers the upstream's routes. */
  routes(app: FastifyInstance, tokens: TokenStore): void;
  /** Forgets every stored document. */
  resetState(): void;
}

const BODY_LIMIT = 5 * 1024 * 1024;

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function urlHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Builds a simulator: one Fastify instance with the upstream's routes plus the shared
 * `/__sim` admin routes (health, faults, request log, reset, token expiry).
 */
export function buildSimulator(definition: SimulatorDefinition): Simulator {
  const { id, options } = definition;
  const app = fastify({ logger: false, forceCloseConnections: true, bodyLimit: BODY_LIMIT });
  const faults = new FaultQueue();
  const log = new RequestLog(options.requestLogSize);
  const tokens = new TokenStore(options.now, options.tokenTtlSeconds, definition.tokenFormat, id);
  const hanging = new Set<Socket>();
  const entries = new WeakMap<FastifyRequest, LoggedRequest>();
  const answersToLose = new WeakSet<FastifyRequest>();
  const shutdown = new AbortController();

  registerBodyParsers(app);

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url);
    if (path.startsWith('/__sim')) return;
    const entry = log.record({
      at: options.now(),
      method: request.method,
      path,
      query: { ...(request.query as Record<string, unknown>) },
      headers: request.headers,
    });
    entries.set(request, entry);
    const fault = faults.take(request.method, path);
    if (!fault) return;
    entry.faultId = fault.id;
    return applyFault(fault, request, reply);
  });

  app.addHook('preHandler', async (request) => {
    const entry = entries.get(request);
    if (entry && request.body !== undefined) log.attachBody(entry, request.body);
  });

  // `lose-answer`: the request was processed; the connection dies instead of the answer
  app.addHook('onSend', async (request, reply, payload) => {
    if (!answersToLose.has(request)) return payload;
    const entry = entries.get(request);
    if (entry) entry.status = reply.statusCode;
    request.raw.socket?.destroy();
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const entry = entries.get(request);
    if (entry) entry.status = reply.statusCode;
  });

  async function applyFault(fault: Fault, request: FastifyRequest, reply: FastifyReply) {
    if (fault.latencyMs) {
      try {
        await sleep(fault.latencyMs, undefined, { signal: shutdown.signal });
      } catch {
        reply.hijack();
        request.raw.socket?.destroy();
        return reply;
      }
    }
    if (fault.mode === 'reset') {
      reply.hijack();
      request.raw.socket?.destroy();
      return reply;
    }
    if (fault.mode === 'hang') {
      reply.hijack();
      const socket = request.raw.socket as Socket | undefined;
      if (socket) {
        hanging.add(socket);
        socket.once('close', () => hanging.delete(socket));
      }
      return reply;
    }
    if (fault.mode === 'lose-answer') {
      answersToLose.add(request);
      return undefined; // processed normally, answer dropped in onSend
    }
    if (fault.status === undefined) return undefined; // latency only: carry on normally
    if (fault.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(fault.retryAfterSeconds));
    }
    const body =
      fault.body !== undefined
        ? fault.body
        : definition.faultBody(fault.status, fault.retryAfterSeconds);
    return reply.code(fault.status).send(body);
  }

  app.setErrorHandler((error: { statusCode?: unknown; message?: string }, _request, reply) => {
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600
        ? error.statusCode
        : 500;
    const message = status >= 500 ? 'Internal server error' : (error.message ?? 'Bad request');
    return reply.code(status).send(definition.errorBody(status, message));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(definition.errorBody(404, `No route for ${request.method} ${pathOf(request.url)}`)),
  );

  function destroyHanging(): void {
    for (const socket of hanging) socket.destroy();
    hanging.clear();
  }

  function reset(): void {
    definition.resetState();
    faults.clear();
    log.clear();
    tokens.clear();
    destroyHanging();
  }

  registerAdminRoutes(app, { id, faults, log, tokens, reset });
  definition.routes(app, tokens);

  let running: RunningSimulator | undefined;
  let stopping: Promise<void> | undefined;

  return {
    id,
    app,
    reset,
    async start(port = 0, host = DEFAULT_SIM_HOST): Promise<RunningSimulator> {
      if (running) throw new Error(`simulator ${id} is already started at ${running.url}`);
      await app.listen({ port, host });
      const address = app.server.address() as AddressInfo;
      running = {
        id,
        url: `http://${urlHost(address)}:${address.port}`,
        port: address.port,
        reset,
        stop: () => {
          stopping ??= (async () => {
            shutdown.abort();
            destroyHanging();
            await app.close();
          })();
          return stopping;
        },
      };
      return running;
    },
  };
}

/** JSON (an empty body is `undefined`, so routes answer it in the upstream's words), forms, text. */
function registerBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    /^application\/(?:[\w.+-]+\+)?json\b/i,
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch (error) {
        done(new HttpError(400, `Body is not valid JSON: ${(error as Error).message}`), undefined);
      }
    },
  );
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, { ...parseQueryString(String(body)) }),
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
    done(null, String(body)),
  );
}

interface AdminParts {
  id: SimulatorId;
  faults: FaultQueue;
  log: RequestLog;
  tokens: TokenStore;
  reset(): void;
}

function registerAdminRoutes(app: FastifyInstance, parts: AdminParts): void {
  const { id, faults, log, tokens } = parts;
  app.get('/__sim/health', async () => ({ status: 'ok', simulator: id }));

  app.post('/__sim/faults', async (request, reply) => {
    const input = request.body;
    try {
      const specs = (Array.isArray(input) ? input : [input]).map(parseFaultSpec);
      const added = specs.map((spec) => faults.add(spec));
      return reply.code(201).send({ faults: added });
    } catch (error) {
      if (error instanceof FaultSpecError) return reply.code(400).send({ error: error.message });
      throw error;
    }
  });
  app.get('/__sim/faults', async () => ({ faults: faults.list() }));
  app.delete('/__sim/faults', async () => ({ cleared: faults.clear() }));

  app.get('/__sim/requests', async (request) => {
    const limit = Number((request.query as Record<string, unknown>).limit);
    const all = log.list();
    return { requests: Number.isInteger(limit) && limit > 0 ? all.slice(-limit) : all };
  });
  app.delete('/__sim/requests', async () => {
    log.clear();
    return { cleared: true };
  });

  app.post('/__sim/reset', async () => {
    parts.reset();
    return { status: 'reset', simulator: id };
  });
  app.post('/__sim/tokens/expire', async () => ({ expired: tokens.expireAll() }));
}
