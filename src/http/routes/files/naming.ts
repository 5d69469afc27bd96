import { FuselinkError } from '../../../core/errors'
import { safeFilename } from '../../../core/http/disposition'

export const CONTENT_TYPE =
  /^[a-z0-9!#$&^_.+-]{1,127}\/[a-z0-9!#$&^_.+-]{1,127}(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"\r\n]{0,200}"|[a-z0-9!#$&^_.+-]{1,200}))*$/i
export const DEFAULT_TYPE = 'application/octet-stream'

export function mediaType(value: string | null | undefined): string {
  const type = value?.trim()
  if (!type) return DEFAULT_TYPE
  if (type.length > 255 || !CONTENT_TYPE.test(type)) throw new FuselinkError('invalid_request', 'Content-Type is not a valid media type')
  return type
}

export function fileName(value: string | null | undefined): string {
  if (!value || value.length > 1024 || value.trim() === '') {
    throw new FuselinkError('invalid_request', 'name: give the file a name (?name= for raw uploads)')
  }
  return safeFilename(value)
}
