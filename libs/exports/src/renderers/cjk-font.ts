import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface CjkFonts {
  regular: Buffer;
  bold: Buffer;
}

/** Directory of the npm package that ships Noto Sans SC (SIL OFL); resolves from src and from dist. */
export function notoSansScDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
}

let cached: Promise<CjkFonts> | undefined;

/**
 * Noto Sans SC regular and bold, read from disk once per process (about 10 MB each) and shared by every
 * PDF; pdfkit embeds only the subset of glyphs a document uses.
 */
export function loadCjkFonts(): Promise<CjkFonts> {
  cached ??= (async () => {
    const dir = notoSansScDirectory();
    const [regular, bold] = await Promise.all([
      readFile(join(dir, '400Regular', 'NotoSansSC_400Regular.ttf')),
      readFile(join(dir, '700Bold', 'NotoSansSC_700Bold.ttf')),
    ]);
    return { regular, bold };
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
