import { describe, expect, it } from '@jest/globals';
import { safeNext } from './console-context.js';

describe('where sign-in leads', () => {
  it.each([
    [
      '/console/deadlines/3f1c0a9b-2d4e-4f6a-8b7c-9d0e1f2a3b4c',
      '/console/deadlines/3f1c0a9b-2d4e-4f6a-8b7c-9d0e1f2a3b4c',
    ],
    ['/console/deadlines?urgency=overdue&kind=custom', '/console/deadlines?urgency=overdue&kind=custom'],
    ['//evil.example/console', '/console'],
    ['/console//evil.example', '/console'],
    ['https://evil.example/console', '/console'],
    ['/console\\evil', '/console'],
    ['/api/v1/deadlines', '/console'],
    [undefined, '/console'],
  ])('%j → %j', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});
