import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { findOwned } from '../../common/src/find-owned.js';
import { type AssetHolder, type AssetKind, riskScore } from '../../domain/src/continuity/index.js';
import { daysBetween, localDateOf } from '../../domain/src/time/index.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';

interface Row {
  id: string;
  name: string;
  app_id: string;
  features: string[];
  vendor_status: 'active' | 'unresponsive' | 'ceased' | null;
  contract_ends_on: string | null;
  assets: { kind: AssetKind; holder: AssetHolder; lastVerifiedOn: string | null }[] | null;
  originals: ('owner' | 'vendor' | 'third_party')[] | null;
  nearest_due: string | null;
}

@ApiTags('continuity')
@ApiBearerAuth()
@Controller('api/v1')
export class RiskController {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  @Get('risk')
  @ApiOperation({
    summary: 'Continuity risk of every mini-program, highest first, and of the organization (the highest)',
  })
  async ranking(@Auth() auth: AuthContext) {
    const items = await this.scores(auth, null);
    items.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
    return { organizationScore: items[0]?.score ?? 0, items };
  }

  @Get('mini-programs/:id/risk')
  @ApiOperation({
    summary:
      'Continuity risk of one mini-program: 0-100, every factor with its points and the action that removes it',
  })
  async one(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    await findOwned(this.db.manager, MiniProgramEntity, auth.organizationId, id, 'Mini-program');
    return (await this.scores(auth, id))[0];
  }

  private async scores(auth: AuthContext, miniProgramId: string | null) {
    const today = localDateOf(this.clock.now(), auth.timeZone);
    const rows = await this.db.query<Row[]>(
      `SELECT mp.id, mp.name, mp.app_id, mp.features, v.status AS vendor_status, v.contract_ends_on,
              (SELECT json_agg(json_build_object('kind', a.kind, 'holder', a.holder, 'lastVerifiedOn', a.last_verified_on))
                 FROM assets a WHERE a.mini_program_id = mp.id) AS assets,
              (SELECT json_agg(q.original_held_by) FROM qualifications q WHERE q.mini_program_id = mp.id) AS originals,
              (SELECT min(d.due_on) FROM deadlines d WHERE d.mini_program_id = mp.id AND d.state IN ('open', 'acknowledged', 'snoozed')) AS nearest_due
         FROM mini_programs mp LEFT JOIN vendors v ON v.id = mp.vendor_id
        WHERE mp.organization_id = $1 AND ($2::uuid IS NULL OR mp.id = $2)
        ORDER BY mp.name`,
      [auth.organizationId, miniProgramId],
    );
    return rows.map((r) => ({
      miniProgram: { id: r.id, name: r.name, appId: r.app_id },
      name: r.name,
      ...riskScore({
        today,
        vendor: r.vendor_status ? { status: r.vendor_status, contractEndsOn: r.contract_ends_on } : null,
        assets: r.assets ?? [],
        qualificationOriginals: r.originals ?? [],
        usesWechatPay: r.features.includes('wechat_pay'),
        nearestDeadlineDays: r.nearest_due ? daysBetween(today, r.nearest_due) : null,
      }),
    }));
  }
}
