import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { csvBody } from '../../common/src/csv-body.js';
import { AssetImportService } from './asset-import.service.js';

@ApiTags('continuity')
@ApiBearerAuth()
@Controller('api/v1/assets/import')
export class AssetImportController {
  constructor(private readonly importer: AssetImportService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Bulk import of the custody register from CSV: all rows or none',
    description:
      'Body: the CSV file (UTF-8 with or without BOM, or GB18030). Header: app_id,kind,holder,location,notes,last_verified_on ' +
      '(app_id, kind and holder required). The AppID names one of the organization’s mini-programs. A row with the ' +
      'same AppID, kind and location as an entry updates it (holder; notes and date when given), any other adds one. ' +
      'Values that look like keys are refused. A 400 lists every bad row with its line, column and rule.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  import(
    @Auth() auth: AuthContext,
    @Headers('content-type') type: string | undefined,
    @Body() body: unknown,
  ) {
    return this.importer.import(auth, csvBody(type, body));
  }
}
