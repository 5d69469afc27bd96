import { seconds } from '../core/clock'
import { newId } from '../core/ids'
import { signServiceToken } from '../core/token/service-tokens'
import { publicOrigin } from './public-origin'
import type { Services } from './services'

/** Where a user created without a password chooses one: `PUBLIC_URL/invite/<token>`, single use, INVITE_TTL seconds. */
export async function inviteUrl(services: Services, userId: string, requestUrl: string): Promise<string> {
  const iat = seconds(services.clock.now())
  const token = await signServiceToken(services.keys, 'invite', { jti: newId(), sub: userId, iat, exp: iat + services.config.inviteTtl })
  return `${publicOrigin(services, requestUrl)}/invite/${token}`
}
