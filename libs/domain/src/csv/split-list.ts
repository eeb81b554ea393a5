/** Splits a multi-value cell on ';', full-width '；' (what a Chinese IME types) or '|', trimming and dropping empties. */
export function splitList(value: string): string[] {
  return value
    .split(/[;；|]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
