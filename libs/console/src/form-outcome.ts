import type { Response } from 'express';
import { DomainError } from '../../common/src/domain.error.js';
import type { ConsoleRequest } from './console-context.js';
import { translateRule } from './i18n/rules.js';
import { problemsToErrors } from './sign-in.controller.js';
import type { FieldErrors } from './views/forms.js';

/**
 * Post, redirect, get: `run` saves and answers where to go next (303); a refusal naming fields re-renders
 * the form (400) with each error beside its field. Anything else goes to the console's error filter.
 */
export async function submitted(
  c: ConsoleRequest,
  res: Response,
  run: () => Promise<string>,
  form: (errors: FieldErrors) => string | Promise<string>,
): Promise<void> {
  let next: string;
  try {
    next = await run();
  } catch (error) {
    if (!(error instanceof DomainError) || !error.problems.length) throw error;
    res
      .status(400)
      .type('html')
      .send(await form(problemsToErrors(error, c)));
    return;
  }
  res.redirect(303, next);
}

/** What a CSV import page shows: the counts of a committed import, or the refusal with each bad row. */
export interface ImportOutcome<R> {
  result?: R | null;
  rows?: { line: number; column: string | null; rule: string }[];
  error?: string | null;
}

/**
 * A CSV upload form's post: no file re-renders the page (400); `run` imports all rows or none and the page
 * shows its counts (200); a refusal re-renders the page (400) listing every bad row with its line, column and
 * rule in the person's language (problems without rows are listed as line 0). Anything else goes to the
 * console's error filter.
 */
export async function importOutcome<R>(
  c: ConsoleRequest,
  res: Response,
  file: { buffer: Buffer } | undefined,
  run: (csv: Buffer) => Promise<R>,
  page: (m: ImportOutcome<R>) => string,
): Promise<void> {
  if (!file?.buffer.length) {
    res
      .status(400)
      .type('html')
      .send(page({ error: c.t('import.missingFile') }));
    return;
  }
  try {
    const result = await run(file.buffer);
    res.status(200).type('html').send(page({ result }));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const rows =
      (error.details.rows as { line: number; column: string | null; rule: string }[] | undefined) ?? [];
    res
      .status(400)
      .type('html')
      .send(
        page({
          error: c.t('import.failed'),
          rows: (rows.length
            ? rows
            : error.problems.map((p) => ({ line: 0, column: p.field, rule: p.rule }))
          ).map((r) => ({ ...r, rule: translateRule(r.rule, c.locale, c.t) })),
        }),
      );
  }
}
