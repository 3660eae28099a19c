import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks an answer against what an OpenAPI 3.0 document declares for its route, status and
 * content type: the status must be declared, the content type must be one the status declares,
 * the body must validate against that content's schema (ajv, formats included), and every
 * header declared `required` must be sent. Answers on paths the document does not have (unknown
 * routes, other methods) must be the documented ProblemDetails with 404, 405 with `Allow`, or
 * one of the refusals answered before routing (BEFORE_ROUTING). Swagger UI's own
 * routes (/docs) and the console's pages and files (/console, except the documented
 * /console/session) are not part of the API and are not checked.
 *
 * HEAD: Fastify answers HEAD on every GET route (`exposeHeadRoutes`) as that GET without its
 * body (RFC 9110, 9.3.2). The document does not repeat each GET as a `head` operation (it would
 * double the operations and the typed client for no new information), so a HEAD answer is
 * checked against the route's GET operation: status, content type and required headers as
 * declared there, and no body.
 */

type Json = Record<string, unknown>;

export interface RecordedAnswer {
  method: string;
  /** The path, without the query string. */
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export type CheckResult = { checked: true } | { checked: false; reason: string };

/** Swagger UI (/docs, /docs-json) and the console's web app (/console and its files). */
const NOT_API = /^\/(?:docs|console)(?:$|[/-])/;
/**
 * The refusals answered before a request is routed (src/gateway/problem/client-errors.ts; the
 * document declares them on every operation as HTTP_REFUSALS in src/gateway/openapi): a request
 * that matches no operation can get them too, as a problem.
 */
const BEFORE_ROUTING = new Set([400, 408, 414, 417, 431]);
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/;

interface Route {
  template: string;
  pattern: RegExp;
  params: number;
}

export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: Json) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(toJsonSchema(document) as Json, 'openapi');
    this.routes = Object.keys(document.paths as Json)
      .map((template) => ({
        template,
        params: (template.match(/\{/g) ?? []).length,
        pattern: new RegExp(
          `^${template
            .split(/\{[^}]+\}/)
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]+')}$`,
        ),
      }))
      // a literal path wins over a template that also matches (/v1/audit-logs/verify)
      .sort((a, b) => a.params - b.params);
  }

  /** Throws an Error describing every mismatch; returns whether the answer was checked. */
  check(answer: RecordedAnswer): CheckResult {
    const route = this.routes.find((r) => r.pattern.test(answer.path));
    // a documented path is API wherever it is (/console/session); the pages and files are not
    if (!route && NOT_API.test(answer.path)) {
      return { checked: false, reason: 'Swagger UI or console page' };
    }
    const head = answer.method === 'HEAD';
    const where = `${answer.method} ${answer.path} -> ${answer.status}`;
    if (head && answer.text.length > 0) {
      throw new Error(`${where}: a HEAD answer has a body "${answer.text.slice(0, 200)}"`);
    }
    const item = route ? (this.document.paths as Record<string, Json>)[route.template] : undefined;
    const method = answer.method.toLowerCase();
    // HEAD is the GET of the same route without its body (see above)
    const operation = (item?.[method] ?? (head ? item?.get : undefined)) as Json | undefined;
    if (!route || !operation) {
      if (answer.status !== 404 && answer.status !== 405 && !BEFORE_ROUTING.has(answer.status)) {
        throw new Error(
          `${where}: no operation in the document for this method and path, yet it answered ${answer.status}`,
        );
      }
      if (answer.status === 405 && answer.headers['allow'] === undefined) {
        throw new Error(`${where}: a 405 answer without Allow`);
      }
      return this.checkProblem(answer);
    }
    const responses = operation.responses as Record<string, Json>;
    const statusKey = [String(answer.status), `${String(answer.status)[0]}XX`, 'default'].find(
      (key) => key in responses,
    );
    if (!statusKey) {
      throw new Error(
        `${where}: status ${answer.status} is not declared for ${String(operation.operationId)} (declared: ${Object.keys(responses).join(', ')})`,
      );
    }
    // a response shared under components.responses (the HTTP-level refusals) is a $ref
    const ref = responses[statusKey].$ref;
    const pointer =
      typeof ref === 'string'
        ? ref
        : `#/paths/${escape(route.template)}/${item?.[method] ? method : 'get'}/responses/${escape(statusKey)}`;
    const declared = this.resolve(responses[statusKey]);
    for (const [name, header] of Object.entries((declared.headers ?? {}) as Record<string, Json>)) {
      const resolved = this.resolve(header);
      if (resolved.required === true && answer.headers[name.toLowerCase()] === undefined) {
        throw new Error(`${where}: the declared required header ${name} was not sent`);
      }
    }
    const content = declared.content as Record<string, Json> | undefined;
    const contentType = mediaType(answer);
    if (!content || Object.keys(content).length === 0) {
      if (answer.text.length > 0) {
        throw new Error(
          `${where}: declared without a body, answered ${contentType} "${answer.text.slice(0, 200)}"`,
        );
      }
      return { checked: true };
    }
    if (!(contentType in content)) {
      throw new Error(
        `${where}: content type "${contentType}" is not declared (declared: ${Object.keys(content).join(', ')})`,
      );
    }
    if (head || !content[contentType].schema) return { checked: true };
    this.validateBody(
      where,
      `${pointer}/content/${escape(contentType)}/schema`,
      answer,
      contentType,
    );
    return { checked: true };
  }

  /**
   * An answer that matches no documented operation (an unknown path, a request that is not
   * HTTP): a 4xx or 5xx problem, application/problem+json, its body the document's ProblemDetails.
   */
  checkProblem(answer: RecordedAnswer): CheckResult {
    const where = `${answer.method} ${answer.path} -> ${answer.status}`;
    if (answer.status < 400 || answer.status > 599) {
      throw new Error(
        `${where}: no documented operation answers this request, yet it answered ${answer.status}`,
      );
    }
    const contentType = mediaType(answer);
    if (contentType !== 'application/problem+json') {
      throw new Error(
        `${where}: content type "${contentType}" where a problem (application/problem+json) is due`,
      );
    }
    if (answer.method === 'HEAD') return { checked: true };
    this.validateBody(where, '#/components/schemas/ProblemDetails', answer, contentType);
    return { checked: true };
  }

  private validateBody(
    where: string,
    pointer: string,
    answer: RecordedAnswer,
    contentType: string,
  ) {
    let validate = this.validators.get(pointer);
    if (!validate) {
      const found = this.ajv.getSchema(`openapi${pointer}`);
      if (!found) throw new Error(`${where}: no schema at ${pointer}`);
      validate = found;
      this.validators.set(pointer, validate);
    }
    let body: unknown = answer.text;
    if (JSON_TYPE.test(contentType)) {
      try {
        body = JSON.parse(answer.text);
      } catch {
        throw new Error(
          `${where}: declared ${contentType}, the body is not JSON: ${answer.text.slice(0, 200)}`,
        );
      }
    }
    if (!validate(body)) {
      const errors = (validate.errors ?? [])
        .slice(0, 8)
        .map(
          (e) => `  ${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
        )
        .join('\n');
      throw new Error(
        `${where}: the body does not match the declared schema ${pointer}\n${errors}\nbody: ${answer.text.slice(0, 500)}`,
      );
    }
  }

  private resolve(node: Json): Json {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    return ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<Json>(
        (at, key) => at[key.replace(/~1/g, '/').replace(/~0/g, '~')] as Json,
        this.document,
      );
  }
}

/** The answer's media type, without parameters, lower case. */
function mediaType(answer: RecordedAnswer): string {
  return String(answer.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * OpenAPI 3.0 schemas as JSON Schema for ajv, with `nullable` as OpenAPI 3.0.3 defines it: it
 * adds null to the types the same schema's `type` allows, and only there. The schema's other
 * constraints still apply to null: `nullable` beside an `allOf`/`$ref` (what @nestjs/swagger
 * emits for `@ApiProperty({ type: SomeDto, nullable: true })`) does not make null valid, since
 * the referenced object schema refuses it; such a property must say null in a schema of its own
 * (`nullableRef` in src/gateway/openapi).
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    // examples are data, not schemas
    out[key] = key === 'example' || key === 'examples' ? value : toJsonSchema(value);
  }
  if ('nullable' in out) {
    const { nullable, ...schema } = out;
    // an `enum` still applies: a nullable enum allows null only when it lists it
    if (nullable === true && typeof schema.type === 'string') schema.type = [schema.type, 'null'];
    return schema;
  }
  return out;
}
