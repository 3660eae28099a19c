/**
 * `supertest` as the e2e suites import it (jest.config.js maps the module here): the real
 * supertest, with every answer recorded for the OpenAPI contract check (contract-recorder.ts).
 */
import type { Response } from 'supertest';
import { recordAnswer } from './contract-recorder';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const real = require('supertest/index.js') as typeof import('supertest');

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

function request(...args: Parameters<typeof real>): ReturnType<typeof real> {
  const agent = real(...args);
  for (const method of METHODS) {
    const original = agent[method].bind(agent);
    agent[method] = (url: string) => {
      const test = original(url);
      test.on('response', (res: Response) => {
        recordAnswer(method, (test as unknown as { url: string }).url, {
          status: res.status,
          headers: res.headers,
          text: res.text ?? '',
        });
      });
      return test;
    };
  }
  return agent;
}

export = Object.assign(request, real);
