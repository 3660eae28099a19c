import { ApiProperty } from '@nestjs/swagger';

/** A warning in a succeeded answer: something the upstream said that the caller should see. */
export class AnswerWarningDto {
  @ApiProperty({ example: 'amount_mismatch' }) code!: string;
  @ApiProperty({ example: 'dms issued the credit note for 75000, not the 150000 asked' })
  message!: string;
}
