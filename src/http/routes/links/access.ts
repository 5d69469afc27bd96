import { seconds } from '../../../core/clock'
import { FuselinkError } from '../../../core/errors'
import { type LinkRecord, type Principal, tokenOf } from '../../../core/model'
import { signLinkToken } from '../../../core/token/sign'
import { canSee } from '../../middleware/auth'
import type { Services } from '../../services'

/** A link's token, signed again from its stored claims, and the URLs carrying it. */
export async function linkAccess(services: Services, link: LinkRecord) {
  const current = tokenOf(link)
  const token = await signLinkToken(services.keys, {
    jti: link.id,
    fid: link.fileId,
    max: current.maxDownloads,
    ver: current.version,
    iat: seconds(current.issuedAt),
    exp: seconds(current.expiresAt),
  })
  const base = services.config.publicUrl
  return { token, url: `${base}/s/${token}`, downloadUrl: `${base}/d/${token}` }
}

/** A link the caller may see, with its file, or 404 for anything else. */
export async function visibleLink(services: Services, principal: Principal, id: string) {
  const target = await services.state.getLinkTarget(id)
  if (!target || !canSee(principal, target.link.ownerId)) throw new FuselinkError('not_found', 'No such link.')
  return target
}
