import { beforeAll, describe, expect, test } from 'vitest'
import { FuselinkError } from '../../src/core/errors'
import { type DownloadRequest, type DownloadResult, openDownload } from '../../src/core/link/download'
import type { LinkRecord, LinkTarget } from '../../src/core/model'
import { ObjectMissingError, type ObjectStore, type StoredObject } from '../../src/core/ports'
import { createKeyRing, generateSigningJwk, importSigningKey, type KeyRing, signLinkToken, TokenVerifier } from '../../src/core/token'
import { FakeLedger } from './fake-ledger'
import { fileRecord, HOUR, linkRecord, NOW } from './records'

// openDownload over an in-memory ledger, a scripted store and real tokens, on
// a frozen clock: what is answered before anything is counted, and the cancel
// path (docs/counting.md, rules 1, 2 and 4).
const SIZE = 300_000 // more than the first grant: the body is metered and asks for more
const CONTENT = Uint8Array.from({ length: SIZE }, (_, i) => i % 251)
const ETAG = '"file000001.300000"'

let ring: KeyRing

beforeAll(async () => {
  ring = createKeyRing(await importSigningKey(JSON.stringify(await generateSigningJwk())))
})

/** A body that streams `bytes` in 64 KiB chunks, failing once `failAt` bytes went out. */
function streamOf(bytes: Uint8Array, failAt = Number.POSITIVE_INFINITY): ReadableStream<Uint8Array> {
  let offset = 0
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= failAt) return controller.error(new Error('storage went away mid-body'))
        if (offset >= bytes.byteLength) return controller.close()
        controller.enqueue(bytes.slice(offset, offset + 64 * 1024))
        offset += 64 * 1024
      },
    },
    { highWaterMark: 0 },
  )
}

type Get = (range: { start: number; end: number } | undefined) => Promise<StoredObject>

const streamed: Get = async (range) => ({ body: streamOf(range ? CONTENT.slice(range.start, range.end + 1) : CONTENT) })

function objectStore(get: Get): ObjectStore & { gets: number } {
  const refuse = () => Promise.reject(new Error('not used by a download'))
  const store = {
    gets: 0,
    get: (_key: string, range?: { start: number; end: number }) => {
      store.gets += 1
      return get(range)
    },
    put: refuse,
    head: refuse,
    delete: refuse,
    ping: refuse,
    createMultipart: refuse,
    putPart: refuse,
    listParts: refuse,
    completeMultipart: refuse,
    abortMultipart: refuse,
    listMultipartUploads: refuse,
  }
  return store
}

interface Setup {
  /** The file's size, SIZE unless said. */
  size?: number
  link?: Partial<LinkRecord>
  /** Settled transfers already on the link: bytes sent by each. */
  settled?: number[]
  get?: Get
  resumeGrace?: number
}

async function setup({ size = SIZE, link: overrides = {}, settled = [], get = streamed, resumeGrace = HOUR }: Setup = {}) {
  const file = fileRecord({ size })
  const link = linkRecord({ size, ...overrides })
  const ledger = new FakeLedger(new Map<string, LinkTarget>([[link.id, { link, file }]]))
  settled.forEach((sent, i) => {
    ledger.transfers.set(`old${i}`, { linkId: link.id, counted: true, start: 0, length: size, reserved: 0, sent, state: 'cut' })
  })
  const objects = objectStore(get)
  const token = await signLinkToken(ring, {
    jti: link.id,
    fid: file.id,
    max: link.maxDownloads,
    iat: (NOW - HOUR) / 1000,
    exp: link.expiresAt / 1000,
  })
  const deps = { state: ledger, objects, verifier: new TokenVerifier(ring), clock: { now: () => NOW }, resumeGrace }
  const download = (request: Partial<DownloadRequest> = {}) =>
    openDownload(deps, { token, range: null, ifRange: null, ifNoneMatch: null, consume: true, ...request })
  return { ledger, objects, link, download, downloads: () => ledger.targets.get(link.id)!.link.downloads }
}

async function refusal(promise: Promise<unknown>): Promise<FuselinkError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(FuselinkError)
  return error as FuselinkError
}

async function bodyOf(result: DownloadResult): Promise<Uint8Array> {
  if (result.status !== 200 && result.status !== 206) throw new Error(`no body with ${result.status}`)
  const bytes = new Uint8Array(await new Response(result.body).arrayBuffer())
  await result.ended
  return bytes
}

/** Compares bodies byte for byte (vitest's deep equality is slow on 300 000 elements). */
function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.byteLength).toBe(expected.byteLength)
  expect(Buffer.compare(actual, expected)).toBe(0)
}

/** Waits for the transfer's settlement or cancellation. */
async function ended(result: DownloadResult): Promise<void> {
  if ('ended' in result) await result.ended
}

describe('openDownload', () => {
  test('a fresh download counts one before the first byte, streams the file and settles what was sent', async () => {
    const { ledger, download, downloads } = await setup()
    const result = await download()
    expect(result).toMatchObject({ status: 200, etag: ETAG, start: 0, end: SIZE - 1 })
    expect(downloads()).toBe(1)
    expectBytes(await bodyOf(result), CONTENT)
    expect(ledger.log).toEqual([`start fresh 0+${SIZE}`, `settle ${SIZE}`])
    expect([...ledger.transfers.values()].map((t) => t.state)).toEqual(['done'])
  })

  test('a body read whole and covered by the first grant goes in one write, settled at once', async () => {
    const small = CONTENT.slice(0, 1000)
    const { ledger, download } = await setup({ size: 1000, get: async () => ({ bytes: small }) })
    const result = await download()
    expect(result).toMatchObject({ status: 200, body: small })
    await ended(result)
    expect(ledger.log).toEqual(['start fresh 0+1000', 'settle 1000'])
  })

  test.each([[ETAG], [`W/${ETAG}`], [`"other", ${ETAG}`], ['*']])(
    'If-None-Match %s answers 304 and counts nothing, nor reads storage',
    async (ifNoneMatch) => {
      const { ledger, objects, download, downloads } = await setup()
      expect(await download({ ifNoneMatch })).toMatchObject({ status: 304, etag: ETAG })
      expect(await download({ ifNoneMatch, range: 'bytes=100-' })).toMatchObject({ status: 304 })
      expect([ledger.log, downloads(), objects.gets]).toEqual([[], 0, 0])
    },
  )

  test('an If-None-Match that does not match is a download', async () => {
    const { download, downloads } = await setup()
    expect((await download({ ifNoneMatch: '"file000001.299999"' })).status).toBe(200)
    expect(downloads()).toBe(1)
  })

  test('a 304 is only for a link that may start: a revoked one is refused whatever the ETag', async () => {
    const { download } = await setup({ link: { revokedAt: NOW - 1 } })
    expect((await refusal(download({ ifNoneMatch: ETAG }))).code).toBe('link_revoked')
  })

  test.each([[`bytes=${SIZE}-`], [`bytes=${SIZE + 10}-${SIZE + 20}`], ['bytes=-0']])(
    'Range %s answers 416 and counts nothing',
    async (range) => {
      const { ledger, objects, download, downloads } = await setup()
      expect(await download({ range })).toMatchObject({ status: 416, etag: ETAG })
      expect([ledger.log, downloads(), objects.gets]).toEqual([[], 0, 0])
    },
  )

  test.each<[string, string, 200 | 206]>([
    ['the current strong ETag keeps the range', ETAG, 206],
    ['surrounding spaces are allowed', ` ${ETAG} `, 206],
    ['a weak ETag sends the whole file', `W/${ETAG}`, 200],
    ['an old ETag sends the whole file', '"file000001.299999"', 200],
    ['a date sends the whole file', 'Tue, 01 Dec 2026 10:00:00 GMT', 200],
  ])('If-Range: %s', async (_, ifRange, status) => {
    const { ledger, download } = await setup({ link: { downloads: 1, maxDownloads: 2 }, settled: [100_000] })
    const result = await download({ range: 'bytes=100000-', ifRange })
    expect(result.status).toBe(status)
    if (status === 206) {
      expect(result).toMatchObject({ start: 100_000, end: SIZE - 1 })
      expectBytes(await bodyOf(result), CONTENT.slice(100_000))
      expect(ledger.log[0]).toBe(`start resume 100000+${SIZE - 100_000}`)
    } else {
      expectBytes(await bodyOf(result), CONTENT)
      expect(ledger.log[0]).toBe(`start fresh 0+${SIZE}`)
    }
  })

  test.each<[string | null, 200 | 206, number]>([
    [null, 200, 0],
    ['bytes=1000-1999', 206, 1000],
  ])(
    'consume=false (HEAD, previews) with Range %s answers %i headers only: nothing counted, storage untouched',
    async (range, status, start) => {
      const { ledger, objects, download, downloads } = await setup()
      const result = await download({ range, consume: false })
      expect(result).toMatchObject({ status, start, body: null })
      await ended(result)
      expect([ledger.log, downloads(), objects.gets]).toEqual([[], 0, 0])
    },
  )

  test('a resume that fits the budget counts nothing', async () => {
    const { ledger, download, downloads } = await setup({ link: { downloads: 1 }, settled: [SIZE / 2] })
    const result = await download({ range: `bytes=${SIZE / 2}-` })
    expectBytes(await bodyOf(result), CONTENT.slice(SIZE / 2))
    expect(downloads()).toBe(1)
    expect(ledger.log).toEqual([`start resume ${SIZE / 2}+${SIZE / 2}`, `settle ${SIZE / 2}`])
  })

  test.each([
    [2, 206, null],
    [1, 410, 'download_limit_reached'],
  ])(
    'a resume too big for the budget trims at most 8 times, then counts as a new download if one is left (max %i → %i)',
    async (maxDownloads, status, code) => {
      const { ledger, download, downloads } = await setup({ link: { downloads: 1, maxDownloads }, settled: [SIZE] })
      ledger.roomToMake = true // a give-back that never frees enough
      const result = download({ range: 'bytes=1-' })
      if (code) expect((await refusal(result)).code).toBe(code)
      else expect((await result).status).toBe(status)
      const resume = `start resume 1+${SIZE - 1}`
      expect(ledger.log.slice(0, 18)).toEqual([
        ...Array.from({ length: 8 }, () => [resume, 'makeRoom 1']).flat(),
        resume,
        `start fresh 1+${SIZE - 1}`,
      ])
      expect(downloads()).toBe(Math.min(2, maxDownloads))
    },
  )

  test('a lost race is named by the link as it is now', async () => {
    const lost = await setup({ link: { maxDownloads: 2 } })
    lost.ledger.loseRaces = true
    expect((await refusal(lost.download())).code).toBe('download_limit_reached')

    const revoked = await setup()
    const read = revoked.ledger.getLinkTarget.bind(revoked.ledger)
    // Revoked between the token's check and the start of the transfer.
    revoked.ledger.getLinkTarget = async (id) => {
      const target = await read(id)
      revoked.ledger.targets.get(id)!.link.revokedAt = NOW
      return target
    }
    expect((await refusal(revoked.download())).code).toBe('link_revoked')
  })

  test('past expiry and the resume grace the token is refused before any read', async () => {
    const { ledger, download } = await setup({ link: { downloads: 1, expiresAt: NOW - HOUR } })
    let reads = 0
    ledger.getLinkTarget = async () => {
      reads += 1
      return null
    }
    expect((await refusal(download({ range: 'bytes=100-' }))).code).toBe('link_expired')
    expect(reads).toBe(0)
  })

  describe('storage failing before the first byte consumes nothing', () => {
    test.each<[string, Get, string]>([
      ['the object is missing', () => Promise.reject(new ObjectMissingError('files/file000001')), 'file_gone'],
      ['storage does not answer', () => Promise.reject(new Error('connect ECONNREFUSED')), 'storage_unavailable'],
    ])('%s: %s, the count undone', async (_, get, code) => {
      const { ledger, download, downloads } = await setup({ get })
      const error = await refusal(download())
      expect(error.code).toBe(code)
      if (code === 'storage_unavailable') expect(error.cause).toBeInstanceOf(Error)
      expect(ledger.log).toEqual([`start fresh 0+${SIZE}`, 'cancel'])
      expect([downloads(), ledger.transfers.size]).toEqual([0, 0])
    })

    test('a body that fails on its first read: the count undone', async () => {
      const { ledger, download, downloads } = await setup({ get: async () => ({ body: streamOf(CONTENT, 0) }) })
      const result = await download()
      expect(downloads()).toBe(1)
      await expect(bodyOf(result)).rejects.toThrow('storage went away')
      await ended(result)
      expect(ledger.log).toEqual([`start fresh 0+${SIZE}`, 'cancel'])
      expect([downloads(), ledger.transfers.size]).toEqual([0, 0])
    })

    test('a body that fails after bytes went out keeps the count and settles what was sent', async () => {
      const { ledger, download, downloads } = await setup({ get: async () => ({ body: streamOf(CONTENT, 128 * 1024) }) })
      const result = await download()
      await expect(bodyOf(result)).rejects.toThrow('storage went away')
      await ended(result)
      expect(ledger.log).toEqual([`start fresh 0+${SIZE}`, `settle ${128 * 1024}`])
      expect(downloads()).toBe(1)
    })
  })

  test('a client going away settles what it took, and the download stays counted', async () => {
    const { ledger, download, downloads } = await setup()
    const result = await download()
    if (result.status !== 200 || !(result.body instanceof ReadableStream)) throw new Error('expected a stream')
    const reader = result.body.getReader()
    expect((await reader.read()).value?.byteLength).toBe(64 * 1024)
    await reader.cancel()
    await result.ended
    expect(ledger.log).toEqual([`start fresh 0+${SIZE}`, `settle ${64 * 1024}`])
    expect(downloads()).toBe(1)
  })
})
