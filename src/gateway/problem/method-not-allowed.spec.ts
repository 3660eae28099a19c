import Fastify from 'fastify';
import { allowedMethods, learnRouteMethods } from './method-not-allowed';

describe('allowedMethods', () => {
  it('learns the methods of each route path, parameters included', async () => {
    const fastify = Fastify();
    learnRouteMethods(fastify);
    fastify.get('/spec-a/:id', async () => ({}));
    fastify.patch('/spec-a/:id', async () => ({}));
    fastify.post('/spec-a', async () => ({}));
    await fastify.ready();
    expect(allowedMethods('/spec-a/123?x=1')).toEqual(['GET', 'HEAD', 'PATCH']);
    expect(allowedMethods('/spec-a')).toEqual(['POST']);
    expect(allowedMethods('/spec-a/1/2')).toEqual([]);
    expect(allowedMethods('/spec-b')).toEqual([]);
    await fastify.close();
  });
});
