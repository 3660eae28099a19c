import type { FastifyReply } from 'fastify';
import type { Outcome } from './operation-runner';

/** Sets an outcome's status and headers on the reply and returns its body. */
export function respond(reply: FastifyReply, outcome: Outcome): unknown {
  void reply.status(outcome.status);
  if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
  if (outcome.contentType) void reply.header('content-type', outcome.contentType);
  return outcome.body;
}
