import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { csvBody } from '../../common/src/csv-body.js';
import { MiniProgramImportService } from './mini-program-import.service.js';

@ApiTags('mini-programs')
@ApiBearerAuth()
@Controller('api/v1/mini-programs/import')
export class ImportController {
  constructor(private readonly importer: MiniProgramImportService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Bulk import from CSV: all rows or none',
    description:
      'Body: the CSV file (UTF-8 with or without BOM, or GB18030 as Excel in China writes). Header: ' +
      'app_id,name,owner_name,owner_credit_code,service_categories,features,vendor_name,certification_expires_on,icp_filing_number,server_domains,notes. ' +
      'Lists are separated by ";". A 400 lists every bad row with its line, column and rule.',
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
