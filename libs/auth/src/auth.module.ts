import { Module } from '@nestjs/common';
import { ApiKeyService } from './api-key.service.js';
import { OrganizationService } from './organization.service.js';

@Module({
  providers: [ApiKeyService, OrganizationService],
  exports: [ApiKeyService, OrganizationService],
})
export class AuthModule {}
