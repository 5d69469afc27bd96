import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { FileSource } from '../../src/adapters/file-source'
import { ReadBuffers } from '../../src/adapters/read-buffers'

const KiB = 1024

describe('ReadBuffers', () => {
  test('a read gets the smallest power of two that holds it, within the sizes', () => {
    const buffers = new ReadBuffers(64 * KiB, 1024 * KiB, 4096 * KiB)
    expect(buffers.sizeFor(1)).toBe(64 * KiB)
    expect(buffers.sizeFor(64 * KiB)).toBe(64 * KiB)
    expect(buffers.sizeFor(64 * KiB + 1)).toBe(128 * KiB)
    expect(buffers.sizeFor(700 * KiB)).toBe(1024 * KiB)
    expect(buffers.sizeFor(5000 * KiB)).toBe(1024 * KiB)
    expect(buffers.take(100 * KiB).byteLength).toBe(128 * KiB)
  })

  test('a buffer handed back is lent again for a read of its size, never for another size', () => {
    const buffers = new ReadBuffers(64 * KiB, 1024 * KiB, 4096 * KiB)
    const small = buffers.take(64 * KiB)
    const large = buffers.take(1024 * KiB)
    buffers.give(small)
    buffers.give(large)
    expect(buffers.idleBytes).toBe(1088 * KiB)
    const middle = buffers.take(256 * KiB)
    expect(middle).not.toBe(small)
    expect(middle).not.toBe(large)
    expect(buffers.take(1000 * KiB)).toBe(large)
    expect(buffers.take(10)).toBe(small)
    expect(buffers.idleBytes).toBe(0)
  })

  test('beyond what it may keep, the buffers that waited longest are let go', () => {
    const buffers = new ReadBuffers(64 * KiB, 1024 * KiB, 1024 * KiB)
    const old = buffers.take(1024 * KiB)
    const young = [buffers.take(64 * KiB), buffers.take(64 * KiB)]
    buffers.give(old)
    for (const buffer of young) buffers.give(buffer)
    expect(buffers.idleBytes).toBe(128 * KiB)
    expect(buffers.take(1024 * KiB)).not.toBe(old)
    expect(young).toContain(buffers.take(64 * KiB))
  })
})

describe('FileSource with shared read buffers', () => {
  const directory = mkdtempSync(join(tmpdir(), 'file-source-'))
  afterAll(() => rmSync(directory, { recursive: true, force: true }))
  let files = 0
  function file(bytes: Uint8Array): number {
    const path = join(directory, String(files++))
    writeFileSync(path, bytes)
    return openSync(path, 'r')
  }

  const content = Uint8Array.from({ length: 300 * KiB }, (_, i) => (i * 7) % 251)

  test('two sources reading by turns share buffers, and each hands on exactly its bytes', async () => {
    const buffers = new ReadBuffers(64 * KiB, 1024 * KiB, 4096 * KiB)
    const a = new FileSource(file(content), 0, content.byteLength, buffers)
    const b = new FileSource(file(content), 100 * KiB, content.byteLength, buffers)
    const seen = new Set<ArrayBufferLike>()
    const got = { a: [] as Buffer[], b: [] as Buffer[] }
    for (;;) {
      const chunkA = await a.read(64 * KiB)
      const chunkB = await b.read(64 * KiB)
      if (!chunkA && !chunkB) break
      for (const [name, chunk] of [
        ['a', chunkA],
        ['b', chunkB],
      ] as const) {
        if (!chunk) continue
        got[name].push(Buffer.from(chunk))
        seen.add(chunk.buffer)
      }
      if (chunkA) a.release(chunkA)
      if (chunkB) b.release(chunkB)
    }
    expect(Buffer.concat(got.a).equals(content)).toBe(true)
    expect(Buffer.concat(got.b).equals(content.subarray(100 * KiB))).toBe(true)
    // Two buffers in all, the two reads in flight at a time.
    expect(seen.size).toBe(2)
  })

  test('a chunk handed back twice, or by a source that did not lend it, goes back to the pool once', async () => {
    const buffers = new ReadBuffers(64 * KiB, 1024 * KiB, 4096 * KiB)
    const a = new FileSource(file(content), 0, content.byteLength, buffers)
    const b = new FileSource(file(content), 0, content.byteLength, buffers)
    const chunk = (await a.read(64 * KiB))!
    a.release(chunk)
    a.release(chunk)
    b.release(chunk)
    expect(buffers.idleBytes).toBe(64 * KiB)
    await a.cancel()
    await b.cancel()
  })

  test('a read that finds the source cancelled hands its buffer back', async () => {
    const buffers = new ReadBuffers(64 * KiB, 1024 * KiB, 4096 * KiB)
    const fd = file(content)
    const source = new FileSource(fd, 0, content.byteLength, buffers)
    const read = source.read(64 * KiB)
    const cancelled = source.cancel()
    expect(await read).toBeNull()
    await cancelled
    expect(buffers.idleBytes).toBe(64 * KiB)
    expect(() => closeSync(fd)).toThrow()
  })
})
