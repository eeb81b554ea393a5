import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { validateLocalDate } from '../../common/src/rules.js';
import { Satisfies } from '../../common/src/validation.js';
import {
  ASSET_HOLDERS,
  ASSET_KINDS,
  type AssetHolder,
  type AssetKind,
  custodyTextProblem,
  LOCATION_MAX,
  NOTES_MAX,
} from '../../domain/src/continuity/index.js';

/** Free text that is neither malformed nor a secret pasted by mistake (the CSV import checks the same). */
const custodyText = (max: number) => (v: string) => custodyTextProblem(v, max);

export class CreateAssetDto {
  @ApiProperty({ description: 'What it is.', enum: ASSET_KINDS })
  @IsIn(ASSET_KINDS, { message: `must be one of: ${ASSET_KINDS.join(', ')}` })
  kind!: AssetKind;

  @ApiProperty({ description: 'Who holds it today.', enum: ASSET_HOLDERS })
  @IsIn(ASSET_HOLDERS, { message: `must be one of: ${ASSET_HOLDERS.join(', ')}` })
  holder!: AssetHolder;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      'Where it lives: repository URL, cloud account and region, the person who holds it. Never the secret: key-like values are refused.',
    example: 'https://git.example.cn/kangning/miniapp（服务商私有仓库）',
  })
  @IsOptional()
  @IsString()
  @Satisfies(custodyText(LOCATION_MAX), { name: 'custodyText' })
  location?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Notes; key-like values are refused.',
  })
  @IsOptional()
  @IsString()
  @Satisfies(custodyText(NOTES_MAX), { name: 'custodyText' })
  notes?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'When the custody was last checked, YYYY-MM-DD.',
  })
  @IsOptional()
  @Satisfies(validateLocalDate, { name: 'date' })
  lastVerifiedOn?: string | null;
}

export class UpdateAssetDto extends PartialType(CreateAssetDto) {}
