import { FuselinkError } from '../../core/errors'
import { type Identity, roleOf, usernameCandidates } from '../../core/identity'
import { newId } from '../../core/ids'
import type { UserRecord } from '../../core/model'
import type { Services } from '../services'

/**
 * The user a verified token of the provider stands for (docs/sso.md,
 * "Provisioning"): found by `iss`+`sub`, or made on first sight under the
 * first free username of `usernameCandidates`. The provider's role claim
 * rules: a user whose role changed there has it changed here. A disabled
 * user stays disabled: 401.
 */
export async function userForIdentity(services: Services, identity: Identity): Promise<UserRecord> {
  const { state, clock } = services
  const role = roleOf(identity.claims, services.config.oidc?.roleClaim ?? 'role')
  let user = await state.findUserByIdentity(identity.issuer, identity.subject)
  if (!user) {
    const id = newId()
    for (const username of await usernameCandidates(identity, newId())) {
      const candidate: UserRecord = { id, username, role, passwordHash: null, createdAt: clock.now(), disabledAt: null }
      await state.insertIdentityUser(candidate, identity.issuer, identity.subject)
      user = await state.findUserByIdentity(identity.issuer, identity.subject)
      if (user) break
    }
    if (!user) throw new FuselinkError('conflict', 'No free username could be found for this person.')
    services.log('user provisioned by sso', { userId: user.id, role: user.role })
  }
  if (user.disabledAt !== null) throw new FuselinkError('unauthorized', 'This user is disabled.')
  if (user.role !== role) {
    await state.setRole(user.id, role)
    user = { ...user, role }
  }
  return user
}
