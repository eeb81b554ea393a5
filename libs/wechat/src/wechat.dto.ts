import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

/**
 * The AppSecret to store. Deliberately not run through the free-text secret refusal the other fields
 * have: a secret is exactly what this field is for. Its value is never echoed, logged or returned.
 */
export class PutAppSecretDto {
  @ApiProperty({
    description: 'The mini-program AppSecret (32 hexadecimal characters). Write-only: never returned.',
    writeOnly: true,
  })
  @IsString({ message: 'must be a string' })
  appSecret!: string;
}
