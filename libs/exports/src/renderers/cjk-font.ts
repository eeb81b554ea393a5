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

/** A font parsed by fontkit, which pdfkit's `registerFont` takes in place of the file's bytes. */
export type ParsedFont = PDFKit.Mixins.PDFFontSource;

export interface ParsedCjkFonts {
  regular: ParsedFont;
  bold: ParsedFont;
}

let parsed: Promise<ParsedCjkFonts> | undefined;

/**
 * Noto Sans SC parsed once per process and shared by every PDF. From bytes, pdfkit parses each font again
 * in every document, and the first text set in a CJK font decodes its glyph and layout tables: about 0.2 s
 * per document before its first byte. A parsed font holds no per-document state (the subset of glyphs a
 * document uses lives in pdfkit's per-document font), so one parse serves every document, one after
 * another or interleaved. fontkit is the one pdfkit itself depends on.
 */
export function loadParsedCjkFonts(): Promise<ParsedCjkFonts> {
  parsed ??= (async () => {
    const require = createRequire(import.meta.url);
    const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as {
      create(buffer: Buffer): object;
    };
    const { regular, bold } = await loadCjkFonts();
    return {
      regular: fontkit.create(regular) as unknown as ParsedFont,
      bold: fontkit.create(bold) as unknown as ParsedFont,
    };
  })();
  parsed.catch(() => {
    parsed = undefined;
  });
  return parsed;
}
