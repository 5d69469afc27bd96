import type { UserRecord } from '../../../core/model'
import type { ServiceClaims } from '../../../core/token/service-tokens'
import type { Services } from '../../services'
import { tokenGone } from '../setup/common'

/** The user an invite names, while the invite can be used: unspent, unexpired, the user enabled and without a password. */
export async function invitedUser(services: Services, claims: ServiceClaims): Promise<{ user: UserRecord; claims: ServiceClaims } | null> {
  if (await tokenGone(services, claims)) return null
  const user = await services.state.getUser(claims.sub)
  if (!user || user.disabledAt !== null || user.passwordHash !== null) return null
  return { user, claims }
}
