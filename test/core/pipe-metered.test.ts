import { describe, expect, test } from 'vitest'
import { sourceOfBytes } from '../../src/core/http/byte-sources'
import { MeteredBody, pipeMetered } from '../../src/core/http/metered-stream'
import type { ByteSink } from '../../src/core/ports'

const KiB = 1024
const MiB = 1024 * KiB

/**
 * A sink that records the size of every write. `takesAtOnce` says, write by
 * write, whether it took the chunk without waiting on the client: a fast
 * socket, or a full one that drained only after the client read.
 */
function recordingSink(takesAtOnce: (write: number) => boolean) {
  const writes: number[] = []
  let ended = false
  const sink: ByteSink = {
    write(chunk, done) {
      writes.push(chunk.byteLength)
      done()
      // Like a Node response: a chunk over the high-water mark is never "taken" synchronously.
      return false
    },
    ready: async () => takesAtOnce(writes.length),
    end: () => {
      ended = true
    },
    abort: (error) => {
      throw error
    },
    onClose: () => {},
  }
  return { sink, writes, ended: () => ended }
}

function body(size: number) {
  let sent = 0
  const metered = new MeteredBody(sourceOfBytes(new Uint8Array(size)), {
    allow: async (total) => total,
    end: async (bytes) => {
      sent = bytes
    },
  })
  return { metered, sent: () => sent }
}

describe('pipeMetered write sizes', () => {
  test('a client that keeps up gets writes doubling from 64 KiB to 1 MiB, and every byte', async () => {
    const { metered, sent } = body(8 * MiB)
    const { sink, writes, ended } = recordingSink(() => true)
    await pipeMetered(metered, sink)
    await metered.ended
    expect(writes.slice(0, 5)).toEqual([64 * KiB, 128 * KiB, 256 * KiB, 512 * KiB, MiB])
    expect(new Set(writes.slice(4, -1))).toEqual(new Set([MiB]))
    expect(writes.reduce((a, b) => a + b, 0)).toBe(8 * MiB)
    expect(sent()).toBe(8 * MiB)
    expect(ended()).toBe(true)
  })

  test('a client that makes every write wait keeps the smallest writes', async () => {
    const { metered } = body(2 * MiB)
    const { sink, writes } = recordingSink(() => false)
    await pipeMetered(metered, sink)
    expect(new Set(writes)).toEqual(new Set([64 * KiB]))
  })

  test('writes shrink by half when the client falls behind, and grow again when it catches up', async () => {
    const { metered } = body(8 * MiB)
    // Keeps up for five writes, waits for three, then keeps up again.
    const { sink, writes } = recordingSink((n) => n <= 5 || n > 8)
    await pipeMetered(metered, sink)
    expect(writes.slice(0, 10)).toEqual([64, 128, 256, 512, 1024, 1024, 512, 256, 128, 256].map((k) => k * KiB))
  })

  test('never writes more than the caller allows, rounded down to a power of two, nor less than 64 KiB', async () => {
    for (const [cap, largest] of [
      [MiB / 3, 256 * KiB],
      [600 * KiB, 512 * KiB],
      [10 * KiB, 64 * KiB],
      [0, 64 * KiB],
      [64 * MiB, MiB],
    ] as const) {
      const { metered } = body(4 * MiB)
      const { sink, writes } = recordingSink(() => true)
      await pipeMetered(metered, sink, () => cap)
      expect(Math.max(...writes)).toBe(largest)
      expect(writes.reduce((a, b) => a + b, 0)).toBe(4 * MiB)
    }
  })
})
