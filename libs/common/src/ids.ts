import { randomFillSync } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { uuidV7 } from '../../domain/src/ids/index.js';
import { Clock } from './clock.js';

const BYTES_PER_ID = 10;
const IDS_PER_FILL = 1024;

/**
 * Ids for rows the app writes in bulk, made here rather than by the column default (`gen_random_uuid()`):
 * UUIDs of version 7, stamped with the clock's time, so a 50,000-row import appends to the indexes on `id`
 * instead of writing all over them, and the rows' ids are known before the database has them (an import
 * prepares the next rows while the database writes the last). Random bytes are drawn from the system's
 * CSPRNG, a thousand ids' worth at a time.
 */
@Injectable()
export class IdGenerator {
  private readonly pool = new Uint8Array(BYTES_PER_ID * IDS_PER_FILL);
  private used = this.pool.length;

  constructor(private readonly clock: Clock) {}

  next(): string {
    if (this.used === this.pool.length) {
      randomFillSync(this.pool);
      this.used = 0;
    }
    const id = uuidV7(this.clock.now().getTime(), this.pool, this.used);
    this.used += BYTES_PER_ID;
    return id;
  }
}
