import type { Type } from '@nestjs/common';
import { getSchemaPath, type ApiPropertyOptions } from '@nestjs/swagger';

/**
 * `@ApiProperty` options for a property that is either an object of a DTO class or null.
 *
 * `@ApiProperty({ type: SomeDto, nullable: true })` emits `nullable: true` beside an `allOf` of
 * the DTO's `$ref`, which in OpenAPI 3.0.3 does not allow null: `nullable` only widens the
 * `type` of its own schema, and the referenced object schema still refuses null. Here null is a
 * schema of its own, so a validator and a generated client both read "SomeDto or null". The
 * containing class needs `@ApiExtraModels(SomeDto)` so that the schema is in the document.
 */
export function nullableRef(dto: Type<unknown>, description?: string): ApiPropertyOptions {
  return {
    ...(description === undefined ? {} : { description }),
    oneOf: [{ $ref: getSchemaPath(dto) }, { type: 'object', nullable: true, enum: [null] }],
  };
}
