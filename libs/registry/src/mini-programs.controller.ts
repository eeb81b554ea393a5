import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { uuid } from './contacts.controller.js';
import { ListMiniProgramsQuery } from './dto/list-mini-programs.query.js';
import { CreateMiniProgramDto, UpdateMiniProgramDto } from './dto/mini-program.dto.js';
import { CreateQualificationDto, UpdateQualificationDto } from './dto/qualification.dto.js';
import { MiniProgramService } from './mini-program.service.js';
import { MiniProgramPage, MiniProgramResponse, QualificationResponse } from './responses.js';

@ApiTags('mini-programs')
@ApiBearerAuth()
@Controller('api/v1/mini-programs')
export class MiniProgramsController {
  constructor(private readonly miniPrograms: MiniProgramService) {}

  @Get()
  @ApiOperation({ summary: 'List mini-programs: filter, search, sort, page' })
  @ApiOkResponse({ type: MiniProgramPage })
  list(@Auth() auth: AuthContext, @Query() query: ListMiniProgramsQuery) {
    return this.miniPrograms.list(auth, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: MiniProgramResponse })
  get(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.miniPrograms.get(auth, id);
  }

  @Post()
  @ApiOperation({ summary: 'Register a mini-program with its qualifications (one transaction)' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateMiniProgramDto): Promise<MiniProgramResponse> {
    return this.miniPrograms.create(auth, dto);
  }

  @Patch(':id')
  update(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateMiniProgramDto,
  ): Promise<MiniProgramResponse> {
    return this.miniPrograms.update(auth, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Auth() auth: AuthContext, @Param('id', uuid) id: string): Promise<void> {
    return this.miniPrograms.remove(auth, id);
  }

  @Get(':id/qualifications')
  @ApiOkResponse({ type: [QualificationResponse] })
  listQualifications(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.miniPrograms.listQualifications(auth, id);
  }

  @Get(':id/qualifications/:qualificationId')
  @ApiOkResponse({ type: QualificationResponse })
  getQualification(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Param('qualificationId', uuid) qid: string,
  ) {
    return this.miniPrograms.getQualification(auth, id, qid);
  }

  @Post(':id/qualifications')
  addQualification(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Body() dto: CreateQualificationDto,
  ): Promise<QualificationResponse> {
    return this.miniPrograms.addQualification(auth, id, dto);
  }

  @Patch(':id/qualifications/:qualificationId')
  updateQualification(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Param('qualificationId', uuid) qid: string,
    @Body() dto: UpdateQualificationDto,
  ): Promise<QualificationResponse> {
    return this.miniPrograms.updateQualification(auth, id, qid, dto);
  }

  @Delete(':id/qualifications/:qualificationId')
  @HttpCode(204)
  removeQualification(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Param('qualificationId', uuid) qid: string,
  ): Promise<void> {
    return this.miniPrograms.removeQualification(auth, id, qid);
  }
}
