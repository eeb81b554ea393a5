import 'reflect-metadata';
import { type DynamicModule, type INestApplicationContext, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SystemClock } from '../../libs/common/src/clock.js';
import { CoreModule, type CoreOptions } from '../../libs/core/src/core.module.js';

/** The root of a command's context: the core and the feature modules the command names, nothing else. */
@Module({})
class CommandModule {}

/**
 * A Nest context for one CLI command that needs only a few feature modules (`org`, `key`): config, database,
 * clock and audit log from the core, plus `features`. Importing the whole application (console, exports,
 * OpenAPI decorators, validation) is most of a command's start-up time; this skips it.
 */
export async function createCommandContext(
  core: Omit<CoreOptions, 'clock'> & { clock?: CoreOptions['clock'] },
  features: Array<Type | DynamicModule>,
): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    {
      module: CommandModule,
      imports: [CoreModule.forRoot({ ...core, clock: core.clock ?? new SystemClock() }), ...features],
    },
    { logger: ['error', 'warn'] },
  );
}
