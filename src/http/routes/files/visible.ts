import { FuselinkError } from '../../../core/errors'
import type { FileRecord, Principal } from '../../../core/model'
import { canSee } from '../../middleware/auth'
import type { Services } from '../../services'

/** A file the caller may see, or 404 for anything else. */
export async function visibleFile(services: Services, principal: Principal, id: string): Promise<FileRecord> {
  const file = await services.state.getFile(id)
  if (!file || file.deletedAt !== null || !canSee(principal, file.ownerId)) throw new FuselinkError('not_found', 'No such file.')
  return file
}
