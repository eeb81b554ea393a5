import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { PageQuery } from '../../common/src/pagination.js';
import { CONTACT_ROLES } from './contact.entity.js';
import { ContactService } from './contact.service.js';
import { CreateContactDto, UpdateContactDto } from './dto/contact.dto.js';
import { ContactPage, ContactResponse } from './responses.js';

export const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

class ListContactsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only contacts of this vendor.', format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  vendorId?: string;

  @ApiPropertyOptional({ description: 'Only contacts with this role.', enum: CONTACT_ROLES })
  @IsOptional()
  @IsIn(CONTACT_ROLES, { message: `must be one of: ${CONTACT_ROLES.join(', ')}` })
  role?: string;
}

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('api/v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactService) {}

  @Get()
  @ApiOperation({ summary: "List the organization's and its vendors' contacts" })
  @ApiOkResponse({ type: ContactPage })
  list(@Auth() auth: AuthContext, @Query() query: ListContactsQuery) {
    return this.contacts.list(auth, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ContactResponse })
  get(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.contacts.get(auth, id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a contact' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateContactDto): Promise<ContactResponse> {
    return this.contacts.create(auth, dto);
  }

  @Patch(':id')
  update(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateContactDto,
  ): Promise<ContactResponse> {
    return this.contacts.update(auth, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Auth() auth: AuthContext, @Param('id', uuid) id: string): Promise<void> {
    return this.contacts.remove(auth, id);
  }
}
