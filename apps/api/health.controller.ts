import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../../libs/auth/src/auth-context.js';
import { HealthContributors } from '../../libs/core/src/health-contributors.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: DataSource,
    private readonly contributors: HealthContributors,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and dependencies: 200 when usable, 503 when the database is down' })
  async health(@Res() res: Response): Promise<void> {
    const started = performance.now();
    let database: { status: 'up' | 'down'; latencyMs?: number; error?: string };
    try {
      await this.db.query('SELECT 1');
      database = { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      database = { status: 'down', error: (error as Error).message };
    }
    const extra = await this.contributors.collect();
    const degraded = Object.values(extra).some((c) => c.status !== 'up');
    const status = database.status === 'down' ? 'down' : degraded ? 'degraded' : 'up';
    res.status(database.status === 'down' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK).json({
      status,
      checks: { database, ...extra },
    });
  }
}
