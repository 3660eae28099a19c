import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks an answer against what an OpenAPI 3.0 document declares for its route, status and
 * content type: the status must be declared, the content type must be one the status declares,
 * the body must validate against that content's schema (ajv, formats included), and every
 * header declared `required` must be sent. Answers on paths the document does not have (unknown
 * routes) must be the documented ProblemDetails with 404 or 405. Swagger UI's own routes (/docs)
 * are not part of the API and are not checked.
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

const NOT_API = /^\/docs(?:$|[/-])/;
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
    if (NOT_API.test(answer.path)) return { checked: false, reason: 'Swagger UI route' };
    const route = this.routes.find((r) => r.pattern.test(answer.path));
    const method = answer.method.toLowerCase();
    const operation = route
      ? ((this.document.paths as Record<string, Json>)[route.template][method] as Json | undefined)
      : undefined;
    const where = `${answer.method} ${answer.path} -> ${answer.status}`;
    if (!route || !operation) {
      if (answer.status !== 404 && answer.status !== 405) {
        throw new Error(
          `${where}: no operation in the document for this method and path, yet it answered ${answer.status}`,
        );
      }
      this.validateBody(
        where,
        '#/components/schemas/ProblemDetails',
        answer,
        'application/problem+json',
      );
      return { checked: true };
    }
    const pointer = `#/paths/${escape(route.template)}/${method}/responses`;
    const responses = operation.responses as Record<string, Json>;
    const statusKey = [String(answer.status), `${String(answer.status)[0]}XX`, 'default'].find(
      (key) => key in responses,
    );
    if (!statusKey) {
      throw new Error(
        `${where}: status ${answer.status} is not declared for ${String(operation.operationId)} (declared: ${Object.keys(responses).join(', ')})`,
      );
    }
    const declared = responses[statusKey];
    for (const [name, header] of Object.entries((declared.headers ?? {}) as Record<string, Json>)) {
      const resolved = this.resolve(header);
      if (resolved.required === true && answer.headers[name.toLowerCase()] === undefined) {
        throw new Error(`${where}: the declared required header ${name} was not sent`);
      }
    }
    const content = declared.content as Record<string, Json> | undefined;
    const contentType = String(answer.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (!content || Object.keys(content).length === 0) {
      if (answer.text.length > 0 && answer.method !== 'HEAD') {
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
    if (answer.method === 'HEAD' || !content[contentType].schema) return { checked: true };
    this.validateBody(
      where,
      `${pointer}/${escape(statusKey)}/content/${escape(contentType)}/schema`,
      answer,
      contentType,
    );
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
