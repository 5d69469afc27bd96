import { FuselinkError } from '../../../core/errors'
import type { Principal } from '../../../core/model'
import { canSee } from '../../middleware/auth'
import type { Services } from '../../services'

/** A webhook the caller may see, or 404 for anything else. */
export async function visibleWebhook(services: Services, principal: Principal, id: string) {
  const webhook = await services.webhooks.getWebhook(id)
  if (!webhook || !canSee(principal, webhook.ownerId)) throw new FuselinkError('not_found', 'No such webhook.')
  return webhook
}
