import { version } from '../../../package.json'
import { JSON_BODY_LIMIT } from '../middleware/json-limit'
import type { RouteApp } from './routes'

/** The bearer scheme named by every /api/v1 route's `security` (parts.ts, BEARER). */
export const API_KEY_SCHEME = {
  type: 'http' as const,
  scheme: 'bearer',
  description:
    'An API key: the `ADMIN_API_KEY` the service was started with, or one created with `POST /api/v1/keys`. Send it as `Authorization: Bearer <key>`.',
}

/** The session cookie a sign-in sets (`POST /api/v1/sessions`), named by every /api/v1 route's `security` beside the key. */
export const SESSION_SCHEME = {
  type: 'apiKey' as const,
  in: 'cookie' as const,
  name: 'fuselink_session',
  description:
    'The session cookie set by `POST /api/v1/sessions` (what the web app uses). A request made with it that changes anything (any method but GET and HEAD) must come from this service’s own pages — `Origin` equal to `PUBLIC_URL`’s origin, or `Sec-Fetch-Site: same-origin` — else 403 `forbidden`.',
}

const DESCRIPTION = `Time-limited file sharing through signed links. Upload a file, issue a link that expires after a time, after a number of downloads, or when revoked, and send its \`url\`. Every download is checked against the link's signed token and streamed from storage.

Every \`/api/v1\` route but signing in takes \`Authorization: Bearer <key>\`, or the session cookie a sign-in sets. A \`user\` sees only its own files, links and keys (anything else answers 404) and gets 403 \`forbidden\` on admin routes; an \`admin\` sees and does everything.

Errors are \`application/problem+json\` (RFC 9457) with a stable \`code\`; each operation lists the codes it may answer. A request field that is missing or wrong answers 400 \`invalid_request\`, naming the field, before anything is done. JSON bodies are limited to ${JSON_BODY_LIMIT / 1024} KiB.

Lists answer \`{"items": [...], "nextCursor": ...}\`, newest first: pass \`nextCursor\` back as \`cursor\` for the next page, until it is \`null\`.`

const TAGS = [
  { name: 'Files', description: 'Upload files, or register objects already in the bucket; list, read and delete them.' },
  { name: 'Links', description: 'Issue links to files, watch their live counters, revoke them.' },
  { name: 'Keys', description: 'API keys for programs and people: create one, list them, disable one.' },
  {
    name: 'Accounts',
    description:
      'People: signing in and out, who is calling, changing a password, users and their invites, and the pages of the first start and of an invite.',
  },
  {
    name: 'Recipients',
    description:
      'What the people you send links to use. The token in the path is the only credential. People whose browser asks for `text/html` get readable pages, errors included.',
  },
  { name: 'Service', description: 'Public keys, health, and this reference.' },
]

export type OpenAPIObject = ReturnType<RouteApp['getOpenAPI31Document']>

const generated = new WeakMap<RouteApp, OpenAPIObject>()

/** The OpenAPI 3.1 document of every route registered on `app`, served from `origin`. */
export function apiDocument(app: RouteApp, origin: string): OpenAPIObject {
  let document = generated.get(app)
  if (!document) {
    document = app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'fuselink API', version, description: DESCRIPTION },
      tags: TAGS,
    })
    generated.set(app, document)
  }
  const { openapi, info, ...rest } = document
  return { openapi, info, servers: [{ url: origin }], ...rest }
}
