import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ReferenceObject,
  ResponseObject,
  ResponsesObject,
} from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from '../../common/http/auth.decorators';
import { ProblemDetails } from '../../common/http/problem-details';
import { declareDatabaseUnavailable } from '../../common/http/api-problems';
import { IDEMPOTENT_REPLAYED, X_REQUEST_ID } from '../../common/http/headers';
import { declareHttpRefusals, httpRefusalResponses } from './http-refusals';

/** The tags of the document, in the order Swagger UI shows them. */
export const TAGS = [
  { name: 'invoices', description: 'Create, update and read invoices (dms, delivery-solutions)' },
  { name: 'credit-notes', description: 'Credit notes against an invoice (dms)' },
  {
    name: 'statuses and remittances',
    description:
      'Batches of invoice and credit-memo statuses (gep-smart) and payment remittances (gep-quantum); each item is accepted or rejected',
  },
  {
    name: 'operations',
    description: 'Every mutating call is an operation: status, attempts, timings, result',
  },
  {
    name: 'documents',
    description:
      'Business documents and their timelines: what the gateway posted for a document across upstreams, and whether it was paid',
  },
  { name: 'providers', description: 'The configured providers, their mode and circuit state' },
  { name: 'audit', description: 'The hash-chained audit log: query, verify, export' },
  {
    name: 'console',
    description:
      'The operations console at /console: sign-in exchanges an API key for a session cookie, which /v1 routes accept in place of the key (mutating calls must then send X-Console-Csrf: 1)',
  },
  { name: 'health', description: 'Liveness, readiness and informational upstream health (public)' },
  { name: 'metrics', description: 'Prometheus metrics (public)' },
];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The OpenAPI document of the gateway, as /docs-json serves it. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('invoice-gateway')
    .setDescription(
      'One API for invoices, credit notes, invoice and credit-memo statuses and payment remittances ' +
        'across the dealer DMS, GEP SMART, GEP Quantum and Delivery Solutions. Errors are ' +
        'application/problem+json (RFC 9457). Authenticate with `Authorization: Bearer <API key>`.',
    )
    .setVersion('1')
    .setLicense('UNLICENSED', 'https://invoice-gateway.dev/license')
    .addServer('/', 'This gateway (the origin serving this document)')
    // addSecurity, not addBearerAuth: that one declares `bearerFormat: JWT`, and keys are opaque
    .addSecurity('api-key', {
      type: 'http',
      scheme: 'bearer',
      description: 'A gateway API key (opaque; `npm run cli -- clients:create` issues one)',
    })
    .addSecurity('console-session', {
      type: 'apiKey',
      in: 'cookie',
      name: 'igw_console',
      description:
        'The console session cookie (POST /console/session sets it); on /v1 routes it stands in for the key, and POST, PUT, PATCH and DELETE must also send X-Console-Csrf: 1',
    });
  for (const tag of TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ProblemDetails],
  });
  return finishDocument(document);
}

/**
 * What decorators cannot say once per document: every answer carries X-Request-Id; every
 * answer of a route taking an Idempotency-Key may carry Idempotent-Replayed; a route marked @Public() says
 * so (`security: []`), any other needs a key (the guard is global), with or without @Auth(), and
 * can answer 503 `database_unavailable`; every route can get the HTTP-level refusals answered
 * before it runs (400 `bad_request`, 408, 414 where it has a path parameter, 417, 431: shared
 * responses under components.responses).
 */
export function finishDocument(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.headers = {
    ...(document.components.headers ?? {}),
    'X-Request-Id': X_REQUEST_ID,
    'Idempotent-Replayed': IDEMPOTENT_REPLAYED,
  };
  document.components.responses = {
    ...(document.components.responses ?? {}),
    ...httpRefusalResponses({ $ref: '#/components/headers/X-Request-Id' }),
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      // the guard is global: a route is public only when marked @Public(), else it needs a key
      const extensions = operation as unknown as Record<string, unknown>;
      if (extensions[PUBLIC_EXTENSION] === true) {
        delete extensions[PUBLIC_EXTENSION];
        operation.security = [];
      } else {
        if (!operation.security?.length) operation.security = [{ 'api-key': [] }];
        declareDatabaseUnavailable(operation.responses as Record<string, ResponseObject>);
      }
      const idempotent = (operation.parameters ?? []).some(
        (p) => 'name' in p && p.name === 'Idempotency-Key',
      );
      for (const response of Object.values(operation.responses) as ResponseObject[]) {
        response.headers = {
          ...(response.headers ?? {}),
          'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
          ...(idempotent
            ? { 'Idempotent-Replayed': { $ref: '#/components/headers/Idempotent-Replayed' } }
            : {}),
        };
      }
      declareHttpRefusals(
        path,
        operation.responses as Record<string, ResponseObject | ReferenceObject>,
      );
      operation.responses = sortedByStatus(operation.responses);
    }
  }
  return document;
}

/** Responses in status order (the shared ones are added after the route's own). */
function sortedByStatus(responses: ResponsesObject): ResponsesObject {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

/** Mounts Swagger UI at /docs and the document at /docs-json. */
export function setupSwagger(app: INestApplication): OpenAPIObject {
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true, displayOperationId: true },
  });
  return document;
}
