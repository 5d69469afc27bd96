import type { Owner, Principal } from '../core/model'
import { BOOTSTRAP_KEY_ID, BOOTSTRAP_KEY_NAME } from './auth/api-key'
import type { Services } from './services'

const BOOTSTRAP_OWNER: Owner = { kind: 'api_key', id: BOOTSTRAP_KEY_ID, name: BOOTSTRAP_KEY_NAME }

/**
 * The owners of `ownerIds`, by id, as file and link answers show them: to
 * admins only (docs/api.md, "Owners"); an empty map for anyone else.
 */
export async function ownersFor(
  services: Services,
  principal: Principal,
  ownerIds: readonly string[],
): Promise<ReadonlyMap<string, Owner>> {
  if (principal.role !== 'admin') return new Map()
  const owners = await services.state.getOwners(ownerIds.filter((id) => id !== BOOTSTRAP_KEY_ID))
  if (ownerIds.includes(BOOTSTRAP_KEY_ID)) owners.set(BOOTSTRAP_KEY_ID, BOOTSTRAP_OWNER)
  return owners
}

/** The owner of one resource, for admins; undefined for anyone else. */
export async function ownerFor(services: Services, principal: Principal, ownerId: string): Promise<Owner | undefined> {
  return (await ownersFor(services, principal, [ownerId])).get(ownerId)
}
