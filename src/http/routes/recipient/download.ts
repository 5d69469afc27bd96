import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { FuselinkError } from '../../../core/errors'
import { contentDisposition } from '../../../core/http/disposition'
import { isPrefetch, isPreviewer } from '../../../core/http/previewers'
import { isResumeRange } from '../../../core/http/range'
import { type DownloadResult, openDownload, resolveToken } from '../../../core/link/download'
import { downloadObserver, recordEvent, recordRefusal } from '../../events'
import { problems } from '../../openapi/parts'
import type { RouteApp } from '../../openapi/routes'
import { problemResponse, wantsHtml } from '../../problem'
import type { Services } from '../../services'
import { FROM_PAGE } from '../../views/landing-page'
import { downloadDeps, LINK_REFUSALS, limited, TOKEN_PARAM } from './common'
import { landingFor, showLanding } from './landing'
import { LINK_PASSWORD_HEADER, resumeProofCookie, type Unlocked, unlockLink } from './link-password'

const header = (name: string, description: string) => ({ name, in: 'header' as const, description, schema: { type: 'string' as const } })
const described = (description: string) => ({ description, schema: { type: 'string' as const } })

const FILE_HEADERS = {
  'Content-Disposition': described('`attachment`, with an ASCII `filename` and an RFC 5987 `filename*` for any name.'),
  'Content-Length': described('Bytes in this answer.'),
  'Accept-Ranges': described('`bytes`.'),
  ETag: described('A strong validator of the file.'),
  'Cache-Control': described('`private, no-store`.'),
}

const REQUEST_HEADERS = [
  header(
    'Range',
    'One byte range (`bytes=0-99`, `bytes=100-`, `bytes=-500`). Starting at byte 0 counts a download; later is a resume (see above).',
  ),
  header('If-Range', 'An ETag: serve the range only if the file is unchanged, else the whole file.'),
  header('If-None-Match', 'An ETag: when it matches, 304 and nothing is counted.'),
  header(
    LINK_PASSWORD_HEADER,
    'The link password, for a link that has one (`passwordProtected`). Missing: 401 `password_required`; wrong: 403 `wrong_password`; neither counts a download.',
  ),
]

const COUNTING =
  'A request with no `Range`, or one starting at byte 0, counts one download before the first byte leaves; with one download left and many requests at once, exactly one gets the file. A `Range` starting later is a resume: it counts nothing but draws on the bytes the link has paid for (one file size per counted download), so an interrupted download finishes with `curl -C -`, a browser or a download manager. Expiry, revocation and the limit are checked when a request starts; a transfer under way may finish, and may be resumed for `RESUME_GRACE` after expiry. A request that fails before its first byte (storage down, object missing) counts nothing.'

function downloadRoute(method: 'get' | 'post', summary: string, description: string) {
  return createRoute({
    method,
    path: '/d/{token}',
    tags: ['Recipients'],
    summary,
    description: `${description}\n\n${COUNTING}`,
    security: [],
    parameters: [TOKEN_PARAM, ...REQUEST_HEADERS],
    responses: {
      200: {
        description: 'The whole file.',
        headers: FILE_HEADERS,
        content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
      },
      206: {
        description: 'The requested range.',
        headers: { ...FILE_HEADERS, 'Content-Range': described('`bytes start-end/size`.') },
        content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
      },
      304: { description: '`If-None-Match` matched; nothing counted.', headers: { ETag: FILE_HEADERS.ETag } },
      ...problems([...LINK_REFUSALS, ...PASSWORD_REFUSALS, 'range_not_satisfiable', 'too_many_transfers', 'storage_unavailable'], {
        html: true,
      }),
    },
  })
}

const PASSWORD_REFUSALS = ['password_required', 'wrong_password', 'payload_too_large'] as const

export const getRoute = downloadRoute(
  'get',
  'Download the file',
  'Streams the file, with the type it was stored with, always as an attachment. Prefetches (`Sec-Purpose`/`Purpose: prefetch`) and known link-preview bots get the landing page instead, which counts nothing.',
)

export const postRoute = downloadRoute(
  'post',
  'Download the file from the page',
  "What the landing page's Download button sends; answers as `GET` does. Scanners follow links but do not submit forms. For a link with a password, the form field `password` (`application/x-www-form-urlencoded`, or `multipart/form-data`) carries it; the answer then sets a cookie scoped to this address that lets the same browser resume the download with a `Range` without the form.",
)

/** Hono answers HEAD with the GET handler; this entry documents it. */
export const headRoute = createRoute({
  method: 'head',
  path: '/d/{token}',
  tags: ['Recipients'],
  summary: "The file's headers",
  description: 'The headers a `GET` would get, without the body. Never counts a download.',
  security: [],
  parameters: [TOKEN_PARAM, ...REQUEST_HEADERS],
  responses: {
    200: { description: 'The headers of the whole file.', headers: FILE_HEADERS },
    206: { description: 'The headers of the range.', headers: { ...FILE_HEADERS, 'Content-Range': described('`bytes start-end/size`.') } },
    304: { description: '`If-None-Match` matched.', headers: { ETag: FILE_HEADERS.ETag } },
    ...problems([...LINK_REFUSALS, 'password_required', 'wrong_password', 'range_not_satisfiable']),
  },
})

function downloadHeaders(result: Extract<DownloadResult, { status: 200 | 206 }>): Headers {
  const { file, link } = result.target
  const headers = new Headers({
    'Content-Type': file.contentType,
    'Content-Disposition': contentDisposition(link.filename ?? file.name),
    'Content-Length': String(result.end - result.start + 1),
    'Accept-Ranges': 'bytes',
    ETag: result.etag,
    'Cache-Control': 'private, no-store',
  })
  if (result.status === 206) headers.set('Content-Range', `bytes ${result.start}-${result.end}/${file.size}`)
  return headers
}

async function download(services: Services, c: Context): Promise<Response> {
  const token = c.req.param('token')!
  const isHead = c.req.method === 'HEAD'
  // Scanners and prefetchers follow links with GET; only a person submits the
  // form. A GET of the form's own address is a machine reading the page,
  // unless it resumes: that is the browser picking up a download the form began.
  const fromPage = c.req.query(FROM_PAGE.name) === FROM_PAGE.value && !isResumeRange(c.req.header('range'))
  // HEAD included: a previewer's HEAD must not learn the file name from Content-Disposition.
  const speculative =
    (c.req.method === 'GET' || isHead) && (isPrefetch(c.req.raw.headers) || isPreviewer(c.req.header('user-agent')) || fromPage)
  if (speculative) {
    // A scanner or prefetch gets the page (headers only for HEAD), which consumes nothing.
    return landingFor(services, c, token)
  }

  let sent = 0
  const gate: { unlocked: Unlocked | null } = { unlocked: null }
  let result: DownloadResult
  try {
    result = await limited(services, c, () =>
      openDownload(
        downloadDeps(services, (bytes) => (sent = bytes)),
        {
          token,
          range: c.req.header('range') ?? null,
          ifRange: c.req.header('if-range') ?? null,
          ifNoneMatch: c.req.header('if-none-match') ?? null,
          consume: !isHead,
          client: services.clientAddress(c),
          unlock: async (target, start) => {
            gate.unlocked = await unlockLink(services, c, target.link, start)
          },
          observer: downloadObserver(services, c),
        },
      ),
    )
  } catch (error) {
    recordRefusal(services, c, token, error)
    // A person without the right password gets the page again, asking for it.
    if (error instanceof FuselinkError && (error.code === 'password_required' || error.code === 'wrong_password') && wantsHtml(c)) {
      const target = await resolveToken(downloadDeps(services), token)
      return showLanding(services, c, token, target, { status: error.status as 401 | 403, wrongPassword: error.code === 'wrong_password' })
    }
    throw error
  }
  if (result.status === 416) {
    recordEvent(services, c, result.target.link.id, 'refused', { code: 'range_not_satisfiable' })
    const response = await problemResponse(c, new FuselinkError('range_not_satisfiable'))
    response.headers.set('Content-Range', `bytes */${result.target.file.size}`)
    return response
  }
  if (result.status === 304) {
    return new Response(null, { status: 304, headers: { ETag: result.etag, 'Cache-Control': 'private, no-store' } })
  }
  services.defer(c, result.ended)
  c.set(
    'bodyBytes',
    result.ended.then(() => sent),
  )
  const headers = downloadHeaders(result)
  if (gate.unlocked === 'password' && c.req.method === 'POST') {
    headers.append('Set-Cookie', await resumeProofCookie(services, result.target.link, token))
  }
  if (result.metered) services.offerDirect?.(c, result.metered)
  return new Response(result.body, { status: result.status, headers })
}

export function register(app: RouteApp, services: Services) {
  app.openapi(getRoute, (c) => download(services, c))
  app.openapi(postRoute, (c) => download(services, c))
  app.openAPIRegistry.registerPath(headRoute)
}
