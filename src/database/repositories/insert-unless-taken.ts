import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * Inserts a ledger row unless a unique key is taken (ON CONFLICT DO NOTHING, so no unique
 * violation aborts the caller's transaction). `inserted` false returns the row holding the key:
 * a concurrent create (another request or replica) won.
 */
export async function insertUnlessTaken<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  values: Omit<T, 'id' | 'createdAt' | 'updatedAt'>,
  holder: FindOptionsWhere<T>,
): Promise<{ inserted: boolean; row: T }> {
  const result = await em
    .createQueryBuilder()
    .insert()
    .into(target)
    .values(values as unknown as QueryDeepPartialEntity<T>)
    .orIgnore()
    .returning(['id', 'createdAt', 'updatedAt'])
    .execute();
  const created = (result.raw as { id: string; created_at: Date; updated_at: Date }[])[0];
  if (created) {
    const row = em.getRepository(target).create();
    Object.assign(row, values, {
      id: created.id,
      createdAt: created.created_at,
      updatedAt: created.updated_at,
    });
    return { inserted: true, row };
  }
  return { inserted: false, row: await em.getRepository(target).findOneByOrFail(holder) };
}
