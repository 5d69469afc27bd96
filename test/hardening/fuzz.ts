import { connect } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import type { ServiceTarget, TargetKind } from '../support/target'

/*
 * The HTTP fuzz run (docs/security.md, "Hostile input"): at least 10,000
 * malformed requests, generated with fast-check from a fixed seed (printed
 * when the run fails, to replay it), against every route the API document
 * names plus paths it does not. Malformed paths, methods, headers (up to a
 * few KiB), tokens, ranges, JSON, multipart and raw bodies, some with the
 * admin key so validation behind authentication is reached too; a share of
 * them written byte for byte on a socket, bypassing fetch's own checks.
 *
 * What it proves: every request is answered (a refused body is heard, never
 * a reset: finding 7) and no answer is a 5xx; the server is healthy after;
 * nothing is stored that should not be: the objects in storage are exactly
 * those of the file records, and the records are those the run's own 201s and
 * 204s account for; a link kept out of the run still serves its file whole.
 */

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000)
const CONCURRENCY = 16
const LIMIT = 256 * 1024
/** How long one request may wait for its whole answer. */
const ANSWER_MS = 30_000
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202)

interface FuzzRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: Uint8Array | null
  /** Written on a socket as is, not through fetch. */
  raw: boolean
}

interface Context {
  adminKey: string
  token: string
  fileId: string
  linkId: string
  routes: { method: string; path: string }[]
}

const encoder = new TextEncoder()
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** Text a header value may carry: visible Latin-1 and spaces, no control characters. */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
      fc.integer({ min: 0xa0, max: 0xff }).map((code) => String.fromCharCode(code)),
    ),
    maxLength,
  })

const pathSegment = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.~%'), maxLength: 40 }),
  fc.constantFrom('..', '.', '%2e%2e', '%00', '%ff', '%', '%zz', '..%2f..', '\u00e9', '\u{1f600}', ';', '@', ':'),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
)

function tokenLike(ctx: Context) {
  const [header, payload] = ctx.token.split('.')
  return fc.oneof(
    fc.constant(ctx.token),
    fc.nat({ max: ctx.token.length - 1 }).map((i) => ctx.token.slice(0, i) + (ctx.token[i] === 'A' ? 'B' : 'A') + ctx.token.slice(i + 1)),
    fc.nat({ max: ctx.token.length }).map((i) => ctx.token.slice(0, i)),
    fc.constant(`${btoa('{"alg":"none","typ":"JWT"}').replace(/=+$/, '')}.${payload}.`),
    fc.constant(`${header}.${payload}`),
    fc.string({ unit: fc.constantFrom(...'ABCxyz019-_.'), maxLength: 1500 }),
    fc.constant(ctx.token + 'A'.repeat(2000)),
  )
}

/** A path: a documented route with its parameters filled (sometimes rightly), a mangled one, or none at all. */
function pathArb(ctx: Context) {
  const param = fc.oneof(fc.constant(ctx.fileId), fc.constant(ctx.linkId), tokenLike(ctx), pathSegment)
  const fromRoute = fc.tuple(fc.constantFrom(...ctx.routes), param).map(([route, value]) => route.path.replace(/\{[^}]+\}/g, value))
  const query = fc.oneof(
    fc.constant(''),
    fc
      .array(fc.tuple(fc.constantFrom('name', 'limit', 'cursor', 'fileId', 'q', 'x'), headerText(60)), { maxLength: 3 })
      .map((pairs) => `?${pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')}`),
    fc.constantFrom('?', '?&&', '?name', '?limit=-1', '?limit=99999999999999999999', '?cursor=%ff%fe'),
  )
  const path = fc.oneof(
    { weight: 6, arbitrary: fromRoute },
    { weight: 2, arbitrary: fc.array(pathSegment, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`) },
    { weight: 1, arbitrary: fc.tuple(fromRoute, pathSegment).map(([route, extra]) => `${route}/${extra}`) },
    { weight: 1, arbitrary: fc.constantFrom('/d/', '/s/', '/api/v1/', '/api/v1//links', '//d//x', '/d/%2e%2e/healthz', '/metrics') },
  )
  return fc.tuple(path, query).map(([p, q]) => p + q)
}

function headersArb(ctx: Context) {
  const authorization = fc.oneof(
    fc.constant(`Bearer ${ctx.adminKey}`),
    fc.constant(`bEaReR ${ctx.adminKey}`),
    fc.constant(`Bearer ${ctx.adminKey}x`),
    headerText(300).map((value) => `Bearer ${value}`),
    headerText(300).map((value) => `Basic ${value}`),
    headerText(4000),
  )
  const number = fc.oneof(fc.nat({ max: 200_000 }).map(String), fc.constantFrom('-1', '99999999999999999999', '1e3', '0x10', '', ' '))
  const range = fc.oneof(
    fc.tuple(number, number).map(([a, b]) => `bytes=${a}-${b}`),
    number.map((n) => `bytes=-${n}`),
    number.map((n) => `bytes=${n}-`),
    fc
      .array(fc.tuple(number, number), { minLength: 2, maxLength: 40 })
      .map((pairs) => `bytes=${pairs.map(([a, b]) => `${a}-${b}`).join(',')}`),
    headerText(200),
  )
  const contentType = fc.oneof(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded'),
    fc.constantFrom('multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="unterminated'),
    headerText(200),
  )
  return fc.record(
    {
      authorization,
      range,
      'if-range': fc.oneof(headerText(100), fc.constant('"x"')),
      'if-none-match': fc.oneof(headerText(100), fc.constant('*')),
      'content-type': contentType,
      accept: fc.constantFrom('text/html', 'application/json', '*/*', 'text/html;q=0.1, */*'),
      cookie: fc.oneof(
        headerText(500).map((value) => `fuselink_session=${value}`),
        headerText(2000),
      ),
      origin: fc.oneof(fc.constant('https://evil.example'), headerText(100)),
      'x-link-password': headerText(300),
      'user-agent': fc.constantFrom('Slackbot-LinkExpanding 1.0', 'curl/8', 'Mozilla/5.0', ''),
      'x-forwarded-for': headerText(100),
      'x-padding': headerText(8000),
    },
    { requiredKeys: [] },
  )
}

/** A multipart body, framed well or badly, with its Content-Type. */
const multipartArb = fc
  .record({
    boundary: fc.string({ unit: fc.constantFrom(...'abcXYZ0129-_'), minLength: 1, maxLength: 70 }),
    declared: fc.oneof(fc.constant(null), fc.string({ unit: fc.constantFrom(...'abc-'), maxLength: 10 })),
    parts: fc.array(
      fc.record({
        headers: fc.oneof(
          headerText(200).map((name) => `Content-Disposition: form-data; name="file"; filename="${name}"`),
          headerText(400),
          fc.nat({ max: 20_000 }).map((n) => '\r'.repeat(n)),
          fc.constant('Content-Disposition: form-data; name="other"'),
        ),
        data: fc.uint8Array({ maxLength: 4096 }),
      }),
      { maxLength: 4 },
    ),
    closed: fc.boolean(),
  })
  .map(({ boundary, declared, parts, closed }) => {
    const pieces = parts.map((part) => `--${boundary}\r\n${part.headers}\r\n\r\n${new TextDecoder('latin1').decode(part.data)}\r\n`)
    const text = pieces.join('') + (closed ? `--${boundary}--\r\n` : '')
    return { contentType: `multipart/form-data; boundary=${declared ?? boundary}`, body: latin1(text) }
  })

function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff
  return out
}

const OVERSIZED = bytes(LIMIT * 2, 7)

const bodyArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ body: null as Uint8Array | null }) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ body: encoder.encode(JSON.stringify(value)) })) },
  {
    weight: 2,
    arbitrary: fc
      .record(
        {
          fileId: fc.oneof(fc.string(), fc.integer()),
          expiresIn: fc.oneof(fc.integer(), fc.string(), fc.double()),
          maxDownloads: fc.anything(),
        },
        { requiredKeys: [] },
      )
      .map((value) => ({ body: encoder.encode(JSON.stringify(value)), contentType: 'application/json' })),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 300 }).map((text) => ({ body: encoder.encode(`{"fileId": ${text}`) })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 8192 }).map((body) => ({ body })) },
  { weight: 3, arbitrary: multipartArb },
  // Larger than MAX_UPLOAD_BYTES: refused with 413, which the client must hear.
  {
    weight: 1,
    arbitrary: fc.integer({ min: LIMIT + 1, max: LIMIT * 2 }).map((size) => ({ body: OVERSIZED.subarray(0, size) as Uint8Array })),
  },
)

function requestArb(ctx: Context): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom(...METHODS) },
        { weight: 1, arbitrary: fc.constantFrom('TRACE', 'FOO', 'get', 'M-SEARCH', 'PROPFIND') },
      ),
      path: pathArb(ctx),
      headers: headersArb(ctx),
      body: bodyArb,
      raw: fc.boolean().chain((raw) => (raw ? fc.boolean() : fc.constant(false))),
    })
    .map(({ method, path, headers, body, raw }) => {
      const all: Record<string, string> = { ...headers }
      if ('contentType' in body && body.contentType) all['content-type'] = body.contentType
      // fetch refuses these methods, and a body on GET or HEAD: those go on the socket.
      const needsRaw =
        ['TRACE', 'get', 'M-SEARCH', 'PROPFIND', 'FOO'].includes(method) || ((method === 'GET' || method === 'HEAD') && body.body !== null)
      return { method, path, headers: all, body: body.body, raw: raw || needsRaw }
    })
}

/** An answer as the run judges it: its status, and whether fuselink gave it (every answer of fuselink carries X-Request-Id). */
interface Answer {
  status: number
  fromFuselink: boolean
}

/** One request over a socket, byte for byte; its answer, or the error that took its place. */
function rawRequest(base: URL, request: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname)
    const chunks: Buffer[] = []
    let settled = false
    const finish = () => {
      if (settled) return
      settled = true
      const received = Buffer.concat(chunks)
      const end = received.indexOf('\r\n\r\n')
      const head = received.subarray(0, end < 0 ? received.length : end).toString('latin1')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)
      if (status) resolve({ status: Number(status[1]), fromFuselink: /\r\nx-request-id:/i.test(head) })
      else reject(new Error(`no HTTP answer to ${request.method} ${request.path.slice(0, 80)}: ${JSON.stringify(head.slice(0, 64))}`))
    }
    socket.setTimeout(ANSWER_MS, () => socket.destroy(new Error('timed out')))
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      // The head is all that is needed; the answer may be a whole file.
      if (Buffer.concat(chunks).includes('\r\n\r\n')) {
        finish()
        socket.destroy()
      }
    })
    socket.on('end', finish)
    socket.on('error', (error) => {
      if (!settled && chunks.length === 0) {
        settled = true
        reject(new Error(`${error.message} on ${request.method} ${request.path.slice(0, 80)}`))
      } else finish()
    })
    socket.on('connect', () => {
      const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${base.host}`, 'Connection: close']
      for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`)
      if (request.body !== null) lines.push(`Content-Length: ${request.body.length}`)
      socket.write(latin1(`${lines.join('\r\n')}\r\n\r\n`))
      if (request.body !== null) socket.write(request.body)
    })
  })
}

async function fetchRequest(base: URL, request: FuzzRequest): Promise<Answer> {
  let url: string
  try {
    // Joined, not resolved: a path starting with // is not a host here.
    url = new URL(`${base.origin}${request.path}`).toString()
  } catch {
    return rawRequest(base, request)
  }
  const response = await fetch(url, {
    method: request.method,
    headers: request.headers,
    body: request.body as BodyInit | null,
    redirect: 'manual',
    // An answer that never comes is a failure too, named with its request.
    signal: AbortSignal.timeout(ANSWER_MS),
  })
  // Read whole: an answer cut short would throw here.
  await response.arrayBuffer()
  return { status: response.status, fromFuselink: response.headers.has('x-request-id') }
}

/**
 * workerd's own HTTP server answers some requests before they reach the
 * Worker: 501 to a method it does not know (FOO, M-SEARCH, a lower-case get),
 * 500 to a GET or HEAD carrying a body. Cloudflare's front line, not workerd,
 * faces clients of a deployed Worker. Such an answer carries no X-Request-Id;
 * a 5xx without one is excused only for these requests, on the Worker.
 */
function refusedByWorkerd(request: FuzzRequest): boolean {
  return !METHODS.includes(request.method) || ((request.method === 'GET' || request.method === 'HEAD') && request.body !== null)
}

export function defineFuzzSuite(kind: TargetKind) {
  describe(`HTTP fuzz run, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api
    let ctx: Context
    let guard: { token: string; downloadUrl: string; id: string }
    const guardBytes = bytes(50_000, 11)

    beforeAll(async () => {
      target = await kind.start({ env: { RATE_LIMIT: '0', MAX_UPLOAD_BYTES: String(LIMIT) } })
      api = new Api(target)
      // Kept out of the run: it must come through untouched.
      guard = await api.issue((await api.upload('guard.bin', guardBytes)).id)
      const file = await api.upload('fuzzed.bin', bytes(100_000, 5))
      const link = await api.issue(file.id)
      const document = await api.json('GET', '/api/openapi.json')
      const routes = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
      )
      ctx = { adminKey: target.adminKey, token: link.token, fileId: file.id, linkId: link.id, routes }
    }, 300_000)
    afterAll(async () => {
      await target?.stop()
    })

    test(`${REQUESTS} malformed requests: each answered, none 5xx; healthy after; nothing stored that should not be`, async () => {
      const before = await target.query<{ n: number }>('SELECT COUNT(*) AS n FROM files WHERE deleted_at IS NULL')
      const requests = fc.sample(requestArb(ctx), { numRuns: REQUESTS, seed: SEED })
      const base = new URL(target.baseUrl)
      const statuses = new Map<number, number>()
      const failures: string[] = []
      let created = 0
      let deleted = 0
      let runtimeAnswers = 0
      const started = Date.now()
      let next = 0
      const worker = async () => {
        while (next < requests.length) {
          const request = requests[next++]!
          try {
            const { status, fromFuselink } = request.raw ? await rawRequest(base, request) : await fetchRequest(base, request)
            statuses.set(status, (statuses.get(status) ?? 0) + 1)
            if (status >= 500 && !fromFuselink && kind.runtime === 'workers' && refusedByWorkerd(request)) runtimeAnswers++
            else if (status >= 500) {
              failures.push(`${status}${fromFuselink ? '' : ' (without X-Request-Id)'} for ${request.method} ${request.path.slice(0, 120)}`)
            }
            const path = request.path.split('?')[0]
            if (status === 201 && request.method === 'POST' && /^\/api\/v1\/files(\/import)?$/.test(path!)) created++
            if (status === 204 && request.method === 'DELETE' && /^\/api\/v1\/files\/[^/]+$/.test(path!)) deleted++
          } catch (error) {
            const cause = (error as { cause?: { code?: string; message?: string } }).cause
            const sent = `${request.method} ${request.path.slice(0, 80)}, headers ${JSON.stringify(request.headers).length} B, body ${request.body?.length ?? 'none'}`
            failures.push(`no answer (${cause?.code ?? cause?.message ?? String(error).slice(0, 160)}) to ${sent}`)
          }
        }
      }
      await Promise.all(Array.from({ length: CONCURRENCY }, worker))
      const seconds = (Date.now() - started) / 1000
      console.log(
        `fuzz ${kind.name}: ${REQUESTS} requests in ${seconds.toFixed(1)} s (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries(statuses))}${kind.runtime === 'workers' ? `; 5xx of workerd itself ${runtimeAnswers}` : ''}`,
      )
      expect(failures, `seed ${SEED}`).toEqual([])

      // Healthy after, and the link kept out of the run serves its file whole.
      expect((await fetch(`${target.baseUrl}/healthz`)).status).toBe(200)
      const download = await fetch(guard.downloadUrl)
      expect(download.status).toBe(200)
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(guardBytes)

      // Nothing stored that should not be: records as the run's answers account for them, objects exactly theirs.
      const after = await target.query<{ n: number }>('SELECT COUNT(*) AS n FROM files WHERE deleted_at IS NULL')
      expect(after[0]!.n).toBe(before[0]!.n + created - deleted)
      const keys = await target.query<{ object_key: string }>(
        'SELECT DISTINCT object_key FROM files WHERE deleted_at IS NULL ORDER BY object_key',
      )
      expect(await target.listObjects()).toEqual(keys.map((row) => row.object_key).sort())
      expect(target.log()).not.toMatch(/unhandled error/)
    }, 1_800_000)
  })
}
