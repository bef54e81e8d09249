import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { NameField } from '../directory/dto/common-fields';

/** How many trainees one class may have: each is a seeded training sandbox made in the request. */
export const MAX_TRAINEES = 30;

export class CreateClassDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 200, description: "The class's name (trimmed); each trainee's sandbox is named after it", example: 'Monday onboarding' })
  @NameField(200)
  name!: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_TRAINEES, description: `How many trainees: one training sandbox each (1 to ${MAX_TRAINEES})`, example: 3 })
  @IsInt({ message: 'trainees must be a whole number of trainees' })
  @Min(1, { message: `trainees must be at least 1: a class needs a trainee` })
  @Max(MAX_TRAINEES, { message: `trainees must be at most ${MAX_TRAINEES}: each trainee is a seeded sandbox made in this request` })
  trainees!: number;
}
