import type { Response } from 'express';
import { DomainError } from '../../common/src/domain.error.js';
import type { ConsoleRequest } from './console-context.js';
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
