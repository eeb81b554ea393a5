import { uuidV7 } from './uuid-v7.js';

describe('uuidV7', () => {
  it('writes the example of RFC 9562, appendix A.6', () => {
    // Tuesday, 22 February 2022 2:22:22.00 PM GMT-05:00 = 1645557742000 ms = 0x017F22E279B0;
    // rand_a 0xCC3, variant 0b10, rand_b 0x18C4DC0C0C07398F.
    const random = Uint8Array.from([0x0c, 0xc3, 0x18, 0xc4, 0xdc, 0x0c, 0x0c, 0x07, 0x39, 0x8f]);
    expect(uuidV7(1645557742000, random)).toBe('017f22e2-79b0-7cc3-98c4-dc0c0c07398f');
  });

  it.each([
    // random bytes all ones: version nibble 7 and variant bits 10 overwrite what the bytes would set
    [0, 0xff, '00000000-0000-7fff-bfff-ffffffffffff'],
    [0, 0x00, '00000000-0000-7000-8000-000000000000'],
    [2 ** 48 - 1, 0x00, 'ffffffff-ffff-7000-8000-000000000000'],
  ])('at %d ms with every random byte %i is %s', (ms, byte, expected) => {
    expect(uuidV7(ms, new Uint8Array(10).fill(byte))).toBe(expected);
  });

  it('reads its 10 bytes from the offset given', () => {
    const pool = new Uint8Array(20).fill(0xff);
    pool.fill(0, 10);
    expect(uuidV7(0, pool, 10)).toBe('00000000-0000-7000-8000-000000000000');
  });

  it('sorts by the millisecond it was made in', () => {
    const random = new Uint8Array(10).fill(0xff);
    const zero = new Uint8Array(10);
    // a later millisecond sorts after, whatever the random bits of the earlier one
    expect(uuidV7(1_764_600_000_001, zero) > uuidV7(1_764_600_000_000, random)).toBe(true);
  });

  it.each([[-1], [2 ** 48], [1.5], [Number.NaN]])('refuses the time %d', (ms) => {
    expect(() => uuidV7(ms, new Uint8Array(10))).toThrow(RangeError);
  });

  it('refuses fewer than 10 random bytes', () => {
    expect(() => uuidV7(0, new Uint8Array(9))).toThrow(RangeError);
    expect(() => uuidV7(0, new Uint8Array(12), 3)).toThrow(RangeError);
  });
});
