import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { PageQuery } from '../../common/src/pagination.js';
import { uuid } from './contacts.controller.js';
import { CreateVendorDto, UpdateVendorDto } from './dto/vendor.dto.js';
import { VendorPage, VendorResponse } from './responses.js';
import { VENDOR_STATUSES, type VendorStatus } from './vendor.entity.js';
import { VendorService } from './vendor.service.js';

class ListVendorsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only vendors with this status.', enum: VENDOR_STATUSES })
  @IsOptional()
  @IsIn(VENDOR_STATUSES, { message: `must be one of: ${VENDOR_STATUSES.join(', ')}` })
  status?: VendorStatus;

  @ApiPropertyOptional({ description: 'Free text matched against the name.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

@ApiTags('vendors')
@ApiBearerAuth()
@Controller('api/v1/vendors')
export class VendorsController {
  constructor(private readonly vendors: VendorService) {}

  @Get()
  @ApiOperation({ summary: 'List vendors with their contacts' })
  @ApiOkResponse({ type: VendorPage })
  list(@Auth() auth: AuthContext, @Query() query: ListVendorsQuery) {
    return this.vendors.list(auth, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: VendorResponse })
  get(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.vendors.get(auth, id);
  }

  @Post()
  create(@Auth() auth: AuthContext, @Body() dto: CreateVendorDto): Promise<VendorResponse> {
    return this.vendors.create(auth, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a vendor; a status change records when and why' })
  update(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateVendorDto,
  ): Promise<VendorResponse> {
    return this.vendors.update(auth, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a vendor that serves no mini-program (409 otherwise)' })
  remove(@Auth() auth: AuthContext, @Param('id', uuid) id: string): Promise<void> {
    return this.vendors.remove(auth, id);
  }
}
