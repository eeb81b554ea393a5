import { Module } from '@nestjs/common';
import { ContactService } from './contact.service.js';
import { ContactsController } from './contacts.controller.js';
import { ImportController } from './import.controller.js';
import { MiniProgramImportService } from './mini-program-import.service.js';
import { MiniProgramService } from './mini-program.service.js';
import { MiniProgramsController } from './mini-programs.controller.js';
import { VendorService } from './vendor.service.js';
import { VendorsController } from './vendors.controller.js';

@Module({
  // The import route is registered before the :id routes so "import" is never read as an id.
  controllers: [ImportController, MiniProgramsController, VendorsController, ContactsController],
  providers: [ContactService, VendorService, MiniProgramService, MiniProgramImportService],
  exports: [ContactService, VendorService, MiniProgramService, MiniProgramImportService],
})
export class RegistryModule {}
