/** PostgreSQL error codes we turn into answers the caller can act on. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = (error as { driverError?: unknown }).driverError ?? error;
  const { code, constraint: name } = e as { code?: string; constraint?: string };
  return code === '23505' && (constraint === undefined || name === constraint);
}

export function isForeignKeyViolation(error: unknown): boolean {
  const e = (error as { driverError?: unknown }).driverError ?? error;
  return (e as { code?: string }).code === '23503';
}
