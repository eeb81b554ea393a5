import { applyDecorators, type Logger } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiProduces } from '@nestjs/swagger';
import type { Response } from 'express';
import { contentDisposition, type ExportFileName } from './renderers/index.js';
import { isDestinationGone } from './renderers/stream-output.js';

/**
 * Streams a generated file as an attachment. Call it only once the request is validated: from here on
 * the status is 200, and a failure mid-stream destroys the response (the writer does that), so the client
 * sees an aborted download, never a short file that looks complete.
 */
export async function streamAttachment(
  res: Response,
  logger: Logger,
  file: { contentType: string; fileName: ExportFileName; label: string },
  write: (out: Response) => Promise<void>,
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', contentDisposition(file.fileName));
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  try {
    await write(res);
  } catch (error) {
    // not our fault and nothing to fix: one line, no stack
    if (isDestinationGone(error)) logger.warn(`${file.label} export stopped: the client went away`);
    else logger.error({ err: error }, `${file.label} export failed mid-stream`);
  }
}

/** OpenAPI of a `…/<name>.:format` download: the format as the URL extension, its content types, the file. */
export function ApiFileDownload(formats: readonly string[], contentTypes: Record<string, string>) {
  return applyDecorators(
    ApiParam({ name: 'format', enum: formats, description: 'File format (the URL extension).' }),
    ApiProduces(...Object.values(contentTypes)),
    ApiOkResponse({
      description: 'The file, as an attachment (Content-Disposition with a UTF-8 file name).',
      schema: { type: 'string', format: 'binary' },
    }),
  );
}
