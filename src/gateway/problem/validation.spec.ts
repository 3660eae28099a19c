import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsString,
  Min,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { flattenValidationErrors, validationExceptionFactory } from './validation';

class Party {
  @IsString() @IsNotEmpty() code!: string;
}
class Update {
  @IsString() @IsNotEmpty() status!: string;
}
class Body {
  @IsDefined() @ValidateNested() @Type(() => Party) party!: Party;
  @ValidateNested({ each: true }) @Type(() => Update) updates!: Update[];
  @IsInt() @Min(0) amount!: number;
}

describe('validation error flattening', () => {
  it('names every bad field by its full path', () => {
    const body = plainToInstance(Body, {
      party: { code: '' },
      updates: [{ status: 'ok' }, { status: 'ok' }, { status: 5 }],
      amount: -1,
    });
    const errors = flattenValidationErrors(validateSync(body));
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['party.code', 'updates[2].status', 'amount']));
    const status = errors.find((e) => e.path === 'updates[2].status');
    expect(status?.code).toBe('isString');
    expect(status?.message).toBe('updates[2].status must be a string');
    const code = errors.find((e) => e.path === 'party.code');
    expect(code?.message).toBe('party.code should not be empty');
  });

  it('builds a validation_failed problem with a detail that lists the paths', () => {
    const problem = validationExceptionFactory(validateSync(plainToInstance(Body, {})));
    expect(problem.code).toBe('validation_failed');
    expect(problem.status).toBe(400);
    expect(problem.message).toContain('party');
    expect(problem.message).toBe('The request has 2 invalid fields: party, amount');
    expect(problem.init.errors?.length).toBe(3);
  });
});
