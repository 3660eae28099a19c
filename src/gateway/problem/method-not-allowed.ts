import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemException } from '../../common/http/problem-details';

/**
 * The methods each route path answers, learnt from Fastify's `onRoute` as Nest registers its
 * routes, so a known path asked with another method is 405 with `Allow` rather than a 404.
 */
const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();

export function learnRouteMethods(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const url = route.url;
    let entry = routes.get(url);
    if (!entry) {
      const source = url
        .split('/')
        .map((part) =>
          part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/');
      entry = { pattern: new RegExp(`^${source}/?$`), methods: new Set() };
      routes.set(url, entry);
    }
    for (const method of methods) entry.methods.add(method.toUpperCase());
  });
}

/** The methods the request's path answers to, sorted; empty when no route has that path. */
export function allowedMethods(url: string): string[] {
  const path = url.split('?', 1)[0];
  const allowed = new Set<string>();
  for (const { pattern, methods } of routes.values()) {
    if (pattern.test(path)) for (const method of methods) allowed.add(method);
  }
  return [...allowed].sort();
}

/** A route miss on a path that exists under other methods becomes 405 with Allow. */
export function methodNotAllowed(
  request: FastifyRequest,
  problem: ProblemException,
): ProblemException {
  if (problem.code !== 'not_found' || request.routeOptions.url !== undefined) return problem;
  const allowed = allowedMethods(request.url);
  if (allowed.length === 0 || allowed.includes(request.method)) return problem;
  return new ProblemException('method_not_allowed', {
    detail: `${request.method} is not allowed here; allowed: ${allowed.join(', ')}`,
    headers: { allow: allowed.join(', ') },
  });
}
