import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/src/auth-context.js';

/**
 * The old address of the local inbox, kept for links and habits: the inbox is a console page now
 * (/console/inbox, administrators, the current organization's mail only).
 */
@ApiExcludeController()
@Controller('inbox')
export class InboxController {
  @Get()
  @Public()
  list(@Res() res: Response): void {
    res.redirect(303, '/console/inbox');
  }

  @Get(':id')
  @Public()
  show(@Param('id') id: string, @Res() res: Response): void {
    res.redirect(303, `/console/inbox/${encodeURIComponent(id)}`);
  }
}
