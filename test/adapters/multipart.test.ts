import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DiskObjectStore } from '../../src/adapters/disk-store'
import { S3ObjectStore } from '../../src/adapters/s3-store'
import { SqlStateStore } from '../../src/adapters/sql-state'
import { SqliteDatabase } from '../../src/adapters/sqlite-database'
import type { UploadRecord } from '../../src/core/model'
import { type ObjectStore, PartLengthError, UploadMissingError } from '../../src/core/ports'
import { ORPHAN_GRACE_MS, sweepUploads } from '../../src/core/upload/sweep'
import { applyMigrations } from '../../src/node/migrate'
import { bytes } from '../support/api'
import { ROOT } from '../support/node-service'
import { removeScratch, scratchDir } from '../support/scratch'
import { assertNothingRefused, startVerifiedLocalS3, type VerifiedLocalS3 } from '../support/sigv4-proxy'

// The multipart half of the ObjectStore port, on both stores as the entries
// build them (the S3 one over s3rver with tools/s3rver-multipart.ts), and
// the sweep of expired uploads and leftovers over a real SQLite file.

const MIB = 1024 * 1024
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

function stream(data: Uint8Array, chunk = 256 * 1024): ReadableStream<Uint8Array> {
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close()
      controller.enqueue(data.slice(offset, offset + chunk))
      offset += chunk
    },
  })
}

async function readAll(store: ObjectStore, key: string): Promise<Uint8Array> {
  const object = await store.get(key)
  if ('bytes' in object) return object.bytes
  if ('body' in object) return new Uint8Array(await new Response(object.body).arrayBuffer())
  const chunks: Uint8Array[] = []
  for (let chunk = await object.source.read(64 * 1024); chunk !== null; chunk = await object.source.read(64 * 1024))
    chunks.push(chunk.slice())
  return new Uint8Array(Buffer.concat(chunks))
}

let dir: string
let s3: VerifiedLocalS3
const stores: Record<string, ObjectStore> = {}

beforeAll(async () => {
  dir = scratchDir('multipart')
  // Every request checked for its signature (the listing of leftovers is signed by fuselink itself).
  s3 = await startVerifiedLocalS3()
  stores.disk = new DiskObjectStore(join(dir, 'objects'))
  stores.s3 = new S3ObjectStore(
    {
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      region: 'us-east-1',
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
    },
    // As the Node entry does (src/node/main.ts).
    { requestBody: (body) => Readable.fromWeb(body as NodeReadableStream).on('error', () => {}) },
  )
})

afterAll(async () => {
  if (s3) assertNothingRefused(s3.tally)
  await s3?.close()
  if (dir) removeScratch(dir)
})

describe.each(['disk', 's3'])('the %s store', (name) => {
  const store = () => stores[name]!

  test('joins parts sent in any order into one object and hashes it; completing again answers the same', async () => {
    const data = bytes(11 * MIB + 3, 5)
    const key = `files/${name}-joined`
    const handle = await store().createMultipart(key, { contentType: 'application/x-test' })
    const cut = [data.slice(0, 5 * MIB), data.slice(5 * MIB, 10 * MIB), data.slice(10 * MIB)]
    for (const n of [3, 1, 2]) await store().putPart(key, handle, n, stream(cut[n - 1]!), cut[n - 1]!.length)
    const parts = await store().listParts(key, handle)
    expect(parts.map((p) => [p.number, p.size])).toEqual([
      [1, 5 * MIB],
      [2, 5 * MIB],
      [3, MIB + 3],
    ])
    const joined = await store().completeMultipart(key, handle, parts)
    expect(joined).toEqual({ size: data.length, sha256: sha256(data) })
    expect(sha256(await readAll(store(), key))).toBe(sha256(data))
    await expect(store().listParts(key, handle)).rejects.toBeInstanceOf(UploadMissingError)
    expect(await store().completeMultipart(key, handle, parts)).toEqual(joined)
    expect(await store().completeMultipart(key, handle, [])).toEqual(joined)
  })

  test('keeps nothing of a part of the wrong length, and never lets it replace the part before', async () => {
    const key = `files/${name}-lengths`
    const handle = await store().createMultipart(key, { contentType: 'application/octet-stream' })
    const good = bytes(5 * MIB, 6)
    await store().putPart(key, handle, 1, stream(good), good.length)
    await expect(store().putPart(key, handle, 1, stream(bytes(5 * MIB - 1, 7)), 5 * MIB)).rejects.toBeInstanceOf(PartLengthError)
    await expect(store().putPart(key, handle, 1, stream(bytes(5 * MIB + 1, 8)), 5 * MIB)).rejects.toBeInstanceOf(PartLengthError)
    await expect(store().putPart(key, handle, 2, stream(bytes(10, 9)), 11)).rejects.toBeInstanceOf(PartLengthError)
    const parts = await store().listParts(key, handle)
    expect(parts.map((p) => p.number)).toEqual([1])
    expect(await store().completeMultipart(key, handle, parts)).toEqual({ size: good.length, sha256: sha256(good) })
  })

  test('aborts: the upload and its parts are gone, a late part is refused, aborting again is fine', async () => {
    const key = `files/${name}-aborted`
    const handle = await store().createMultipart(key, { contentType: 'application/octet-stream' })
    await store().putPart(key, handle, 1, stream(bytes(100)), 100)
    expect((await store().listMultipartUploads('files/', 1000)).map((u) => u.handle)).toContain(handle)
    await store().abortMultipart(key, handle)
    await store().abortMultipart(key, handle)
    expect((await store().listMultipartUploads('files/', 1000)).map((u) => u.handle)).not.toContain(handle)
    await expect(store().putPart(key, handle, 2, stream(bytes(100)), 100)).rejects.toBeInstanceOf(UploadMissingError)
    await expect(store().listParts(key, handle)).rejects.toBeInstanceOf(UploadMissingError)
    await expect(store().completeMultipart(key, handle, [{ number: 1, size: 100, etag: '' }])).rejects.toBeInstanceOf(UploadMissingError)
    expect(await store().head(key)).toBeNull()
  })

  // Storage's XML escapes what a key may hold; the listing (a signed GET, no SDK) reads it back exactly.
  if (name === 's3')
    test('lists pending uploads under a prefix with their exact keys, ids and start times', async () => {
      const key = `files/${name}-list &<>"' é/x y`
      const before = Date.now()
      const handle = await store().createMultipart(key, { contentType: 'x/y' })
      const other = await store().createMultipart(`elsewhere/${name}-list`, { contentType: 'x/y' })
      const listed = await store().listMultipartUploads(`files/${name}-list &`, 1000)
      expect(listed.map(({ key, handle }) => ({ key, handle }))).toEqual([{ key, handle }])
      expect(listed[0]!.startedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
      expect(listed[0]!.startedAt).toBeLessThanOrEqual(Date.now())
      expect((await store().listMultipartUploads('elsewhere/', 1000)).map((u) => u.handle)).toEqual([other])
      await store().abortMultipart(key, handle)
      await store().abortMultipart(`elsewhere/${name}-list`, other)
      expect(await store().listMultipartUploads(`files/${name}-list`, 1000)).toEqual([])
    })

  test('sweeps expired uploads and the leftovers no upload names, once they are old enough', async () => {
    const database = new SqliteDatabase(join(dir, `${name}.db`))
    applyMigrations(database.raw, join(ROOT, 'migrations'))
    const state = new SqlStateStore(database)
    const now = Date.now()
    const upload = (id: string, handle: string, expiresAt: number): UploadRecord => ({
      id,
      ownerId: 'owner',
      requestId: null,
      fileId: `${name}-${id}`,
      objectKey: `files/${name}-${id}`,
      handle,
      name: `${id}.bin`,
      size: 100,
      contentType: 'application/octet-stream',
      partSize: 100,
      parts: 1,
      createdAt: now - 1000,
      expiresAt,
    })
    const expired = upload('expired', await store().createMultipart(`files/${name}-expired`, { contentType: 'x/y' }), now - 1)
    const alive = upload('alive', await store().createMultipart(`files/${name}-alive`, { contentType: 'x/y' }), now + 2 * ORPHAN_GRACE_MS)
    for (const u of [expired, alive]) {
      expect(await state.startUpload(u, now - 1000, 10)).toBe(true)
      await store().putPart(u.objectKey, u.handle!, 1, stream(bytes(100)), 100)
    }
    const orphan = await store().createMultipart(`files/${name}-orphan`, { contentType: 'x/y' })
    const logged: string[] = []
    const log = (message: string) => logged.push(message)

    // Now: the expired one goes; the orphan is too young to be taken for one.
    expect(await sweepUploads(state, store(), now, log)).toEqual({ expiredUploads: 1, leftoversAborted: 0 })
    const pending = () =>
      store()
        .listMultipartUploads(`files/${name}-`, 1000)
        .then((list) => list.map((u) => u.handle))
    expect(await pending()).toEqual(expect.arrayContaining([alive.handle, orphan]))
    expect(await pending()).not.toContain(expired.handle)
    expect(await state.getUpload('expired')).toBeNull()
    expect(await state.getUpload('alive')).not.toBeNull()

    // Past the grace period (and before the live one expires): the orphan goes, the live one stays.
    expect(await sweepUploads(state, store(), now + ORPHAN_GRACE_MS + 1000, log)).toMatchObject({ leftoversAborted: 1 })
    expect(await pending()).not.toContain(orphan)
    expect(await pending()).toContain(alive.handle)
    expect(logged).toEqual([])
    database.close()
  })
})
