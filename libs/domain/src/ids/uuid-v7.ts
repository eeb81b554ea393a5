/**
 * A UUID of version 7 (RFC 9562, section 5.7): the Unix time in milliseconds in the first 48 bits, then
 * 74 random bits around the version and variant. Ids made one after another sort in the order they were
 * made, so rows written with them land at the right-hand edge of every B-tree that holds the id (the
 * primary key, `(organization_id, id)`, and keys that embed the id such as a deadline's subject) instead
 * of on a random page each: see `MiniProgramService.insertMany`.
 *
 * `random` supplies the 74 random bits: its first 10 bytes are read (the low 4 bits of byte 0, byte 1,
 * the low 6 bits of byte 2, bytes 3 to 9).
 */
export function uuidV7(unixMs: number, random: Uint8Array, offset = 0): string {
  if (!Number.isInteger(unixMs) || unixMs < 0 || unixMs >= 2 ** 48) {
    throw new RangeError(`uuidV7: the time must be a whole number of milliseconds from 0 to 2^48 - 1`);
  }
  if (random.length - offset < 10) throw new RangeError('uuidV7: needs 10 random bytes');
  const time = unixMs.toString(16).padStart(12, '0');
  const r = (i: number) => random[offset + i];
  const hex = (byte: number) => HEX[byte];
  return (
    `${time.slice(0, 8)}-${time.slice(8, 12)}-` +
    `${hex(0x70 | (r(0) & 0x0f))}${hex(r(1))}-` +
    `${hex(0x80 | (r(2) & 0x3f))}${hex(r(3))}-` +
    `${hex(r(4))}${hex(r(5))}${hex(r(6))}${hex(r(7))}${hex(r(8))}${hex(r(9))}`
  );
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
