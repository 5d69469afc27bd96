import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DiskObjectStore } from '../../src/adapters/disk-store'
import { ObjectStoreWrapper } from '../../src/adapters/object-store-wrapper'
import { SmallObjectCache } from '../../src/adapters/small-object-cache'
import type { StoredObject } from '../../src/core/ports'
import { bytes } from '../support/api'
import { removeScratch, scratchDir } from '../support/scratch'

// The cache in front of a real local store (files in a scratch directory),
// with every read that reaches the store counted.

class CountedReads extends ObjectStoreWrapper {
  reads: string[] = []
  override get(key: string, range?: { start: number; end: number }): Promise<StoredObject> {
    this.reads.push(range ? `${key} ${range.start}-${range.end}` : key)
    return this.inner.get(key, range)
  }
}

const KIB = 1024
let dir: string
let disk: DiskObjectStore

beforeAll(async () => {
  dir = scratchDir('small-object-cache')
  disk = new DiskObjectStore(join(dir, 'objects'))
})
afterAll(() => removeScratch(dir))

function body(data: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(data)
      controller.close()
    },
  })
}

async function put(key: string, data: Uint8Array): Promise<void> {
  await disk.put(key, body(data), { maxBytes: 1024 * KIB })
}

async function read(store: SmallObjectCache, key: string, range?: { start: number; end: number }): Promise<Uint8Array> {
  const object = await store.get(key, range)
  if (!('bytes' in object)) throw new Error(`${key} did not come as bytes in hand`)
  return object.bytes
}

function cached(limits = { maxObjectBytes: 64 * KIB, maxTotalBytes: 8 * 1024 * KIB }) {
  const storage = new CountedReads(disk)
  return { storage, cache: new SmallObjectCache(storage, limits) }
}

describe('the small-object cache', () => {
  test('keeps a service object after its first whole read; ranges of it are cut from what is kept', async () => {
    const data = bytes(5000, 1)
    await put('files/a', data)
    const { storage, cache } = cached()
    expect(await read(cache, 'files/a')).toEqual(data)
    expect(await read(cache, 'files/a')).toEqual(data)
    expect(await read(cache, 'files/a', { start: 10, end: 19 })).toEqual(data.slice(10, 20))
    expect(await read(cache, 'files/a', { start: 4999, end: 4999 })).toEqual(data.slice(4999))
    expect(storage.reads).toEqual(['files/a'])
    expect(cache.size).toEqual({ objects: 1, bytes: 5000 })
  })

  test('answers copies: changing an answer changes neither what is kept nor the next answer', async () => {
    const data = bytes(300, 2)
    await put('files/b', data)
    const { cache } = cached()
    const first = await read(cache, 'files/b')
    first.fill(0)
    const second = await read(cache, 'files/b')
    expect(second).toEqual(data)
    second.fill(7)
    expect(await read(cache, 'files/b')).toEqual(data)
  })

  test('never keeps an imported object (its owner may replace it in the bucket), a ranged first read, or one over the size limit', async () => {
    await put('imports/c', bytes(100, 3))
    await put('files/d', bytes(100, 4))
    await put('files/e', bytes(64 * KIB + 1, 5))
    const { storage, cache } = cached()
    await read(cache, 'imports/c')
    await read(cache, 'imports/c')
    await read(cache, 'files/d', { start: 0, end: 9 })
    await read(cache, 'files/d', { start: 0, end: 9 })
    const large = await cache.get('files/e')
    expect('source' in large).toBe(true)
    if ('source' in large) await large.source.cancel()
    await cache.get('files/e').then((object) => ('source' in object ? object.source.cancel() : undefined))
    expect(storage.reads).toEqual(['imports/c', 'imports/c', 'files/d 0-9', 'files/d 0-9', 'files/e', 'files/e'])
    expect(cache.size).toEqual({ objects: 0, bytes: 0 })
  })

  test('holds at most its total: the least recently read object goes first', async () => {
    for (const name of ['f', 'g', 'h']) await put(`files/${name}`, bytes(4 * KIB, name.charCodeAt(0)))
    const { storage, cache } = cached({ maxObjectBytes: 4 * KIB, maxTotalBytes: 8 * KIB })
    await read(cache, 'files/f')
    await read(cache, 'files/g')
    await read(cache, 'files/f')
    await read(cache, 'files/h')
    expect(cache.size).toEqual({ objects: 2, bytes: 8 * KIB })
    storage.reads = []
    await read(cache, 'files/f')
    await read(cache, 'files/h')
    expect(storage.reads).toEqual([])
    await read(cache, 'files/g')
    expect(storage.reads).toEqual(['files/g'])
  })

  test('forgets an object deleted through it; storage answers the next read (missing)', async () => {
    await put('files/i', bytes(100, 6))
    const { cache } = cached()
    await read(cache, 'files/i')
    await cache.delete('files/i')
    expect(cache.size).toEqual({ objects: 0, bytes: 0 })
    await expect(cache.get('files/i')).rejects.toThrow(/missing/)
  })
})
