import { ParseUUIDPipe, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { validationProblem, type FieldError, type ProblemException } from '../../problem/problem';

export { validationProblem };

/** Flattens class-validator errors into one entry per failed constraint, with a path. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = joinPath(parent, error.property);
    for (const [code, message] of Object.entries(error.constraints ?? {})) {
      out.push({ path, code, message: rewriteMessage(message, error.property, path) });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, path));
  }
  return out;
}

function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** class-validator names only the leaf property; name the whole path instead. */
function rewriteMessage(message: string, property: string, path: string): string {
  if (path === property) return message;
  return message.startsWith(`${property} `) ? `${path}${message.slice(property.length)}` : message;
}

export function validationExceptionFactory(errors: ValidationError[]): ProblemException {
  return validationProblem(flattenValidationErrors(errors));
}

/**
 * The request-body validation of every route: the DTO class's class-validator rules, unknown
 * fields refused, the body transformed into the DTO. setup-app.ts makes it the global pipe; the
 * thin routes (gateway/thin-routes.ts) run the same pipe.
 */
export function bodyValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: validationExceptionFactory,
  });
}

/** Parses a UUID path parameter; anything else is a 400 naming the parameter. */
export function uuidParam(name = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      validationProblem([{ path: name, code: 'isUuid', message: `${name} must be a UUID` }]),
  });
}
