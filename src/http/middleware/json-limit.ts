import { bodyLimit } from 'hono/body-limit'
import { FuselinkError } from '../../core/errors'

export const JSON_BODY_LIMIT = 64 * 1024

/** Bounds JSON request bodies before anything parses them; over the limit is 413. */
export const jsonLimit = bodyLimit({
  maxSize: JSON_BODY_LIMIT,
  onError: () => {
    throw new FuselinkError('payload_too_large', `JSON bodies are limited to ${JSON_BODY_LIMIT} bytes.`)
  },
})

export const FORM_BODY_LIMIT = 16 * 1024

/** Bounds the form posts of the setup and invite pages. */
export const formLimit = bodyLimit({
  maxSize: FORM_BODY_LIMIT,
  onError: () => {
    throw new FuselinkError('payload_too_large', `Forms are limited to ${FORM_BODY_LIMIT} bytes.`)
  },
})
