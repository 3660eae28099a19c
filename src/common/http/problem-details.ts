import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROBLEM_CODES, type ProblemCode } from '../../problem/problem';

/**
 * The problem+json schema as the OpenAPI document shows it. The problem values themselves
 * (ProblemException, codes, bodies) live in src/problem, shared with the operations engine.
 */
export {
  PROBLEM_CODES,
  PROBLEM_CONTENT_TYPE,
  ProblemException,
  problemBody,
  problemType,
  type ProblemCode,
  type ProblemInit,
} from '../../problem/problem';

export class FieldError {
  @ApiProperty({ example: 'party.code' })
  path!: string;
  @ApiProperty({ example: 'isNotEmpty' })
  code!: string;
  @ApiProperty({ example: 'party.code should not be empty' })
  message!: string;
}

export class UpstreamProblem {
  @ApiProperty({ example: 'dms' })
  provider!: string;
  @ApiPropertyOptional({ example: 400 })
  httpStatus?: number;
  @ApiPropertyOptional({ example: 'INVALID_DEALER_CODE' })
  code?: string;
  @ApiPropertyOptional({ example: 'Dealer code not registered' })
  message?: string;
  @ApiProperty({ example: false })
  transient!: boolean;
  @ApiPropertyOptional({
    example: '0HN52BAMD1GUV:00000001',
    description:
      "The upstream's own id of the call when its answer carries one (GEP Quantum's correlationId): quote it to the upstream's support",
  })
  correlationId?: string;
}

/** RFC 9457 problem details, as every error of the gateway is answered. */
export class ProblemDetails {
  @ApiProperty({ example: 'https://invoice-gateway.dev/problems/validation_failed' })
  type!: string;
  @ApiProperty({ example: 'Validation failed' })
  title!: string;
  @ApiProperty({ example: 400 })
  status!: number;
  @ApiProperty({ example: 'The request has 1 invalid field: party.code' })
  detail!: string;
  @ApiProperty({ enum: Object.keys(PROBLEM_CODES), example: 'validation_failed' })
  code!: ProblemCode;
  @ApiProperty({ example: '6f1c2c1e-2b9b-4a53-9a43-5d1f8f3f3c11' })
  requestId!: string;
  @ApiPropertyOptional({ type: [FieldError] })
  errors?: FieldError[];
  @ApiPropertyOptional({ type: UpstreamProblem })
  upstream?: UpstreamProblem;
}
