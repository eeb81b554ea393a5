import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class PageQuery {
  @ApiPropertyOptional({ description: 'Page size, 1 to 200.', default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({
    description: 'Rows to skip; take it from `page.next` rather than computing it.',
    default: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset: number = 0;
}

/** Every list takes ?locale= too (read by @RequestLocale), so it must pass the strict validation. */
export class LocalizedPageQuery extends PageQuery {
  @ApiPropertyOptional({
    description: "Language of the answer (else Accept-Language, else the organization's).",
    enum: ['zh-CN', 'en'],
  })
  @IsOptional()
  @IsIn(['zh-CN', 'en'], { message: "must be 'zh-CN' or 'en'" })
  locale?: 'zh-CN' | 'en';
}

export class PageInfo {
  @ApiProperty({ description: 'Rows matching the filters, over all pages.' })
  total!: number;
  @ApiProperty()
  limit!: number;
  @ApiProperty()
  offset!: number;
  @ApiProperty({
    description: 'Relative URL of the next page with the same filters and sort, or null on the last page.',
    nullable: true,
    type: String,
  })
  next!: string | null;
}

export interface Page<T> {
  items: T[];
  page: PageInfo;
}

/** Builds the page envelope; `next` repeats the caller's query with the offset moved on. */
export function toPage<T>(
  items: T[],
  total: number,
  query: PageQuery,
  path: string,
  params: Record<string, unknown>,
): Page<T> {
  const nextOffset = query.offset + items.length;
  let next: string | null = null;
  if (nextOffset < total && items.length > 0) {
    const search = new URLSearchParams();
    const all: Record<string, unknown> = { ...params, limit: query.limit, offset: nextOffset };
    for (const [k, v] of Object.entries(all)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        if (v !== '') search.set(k, String(v));
      }
    }
    next = `${path}?${search.toString()}`;
  }
  return { items, page: { total, limit: query.limit, offset: query.offset, next } };
}
