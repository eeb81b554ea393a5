import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import { DomainError } from './domain.error.js';

/**
 * One record of one organization, optionally locked FOR UPDATE. Another organization's record is
 * answered exactly like a missing one: the same 404.
 */
export async function findOwned<T extends ObjectLiteral & { id: string; organizationId: string }>(
  m: EntityManager,
  entity: EntityTarget<T>,
  organizationId: string,
  id: string,
  label: string,
  lock = false,
): Promise<T> {
  const row = await m.findOne(entity, {
    where: { id, organizationId } as FindOptionsWhere<T>,
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!row) throw DomainError.notFound(label);
  return row;
}
