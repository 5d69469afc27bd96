import { describe, expect, test } from 'vitest'
import { sourceOfBytes } from '../../src/core/http/byte-sources'
import { MeteredBody, pipeMetered } from '../../src/core/http/metered-stream'
import type { ByteSink } from '../../src/core/ports'

const KiB = 1024
const MiB = 1024 * KiB

/** A sink that records the size of every write and, like a Node response, asks to wait after each large one. */
function recordingSink() {
  const writes: number[] = []
  let waits = 0
  let ended = false
  const sink: ByteSink = {
    write(chunk, done) {
      writes.push(chunk.byteLength)
      done()
      return chunk.byteLength < 16 * KiB
    },
    ready: async () => {
      waits++
    },
    end: () => {
      ended = true
    },
    abort: (error) => {
      throw error
    },
    onClose: () => {},
  }
  return { sink, writes, waits: () => waits, ended: () => ended }
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
  test('a download alone goes out in 1 MiB writes, waiting for the sink after each, every byte sent', async () => {
    const { metered, sent } = body(8 * MiB + 5)
    const { sink, writes, waits, ended } = recordingSink()
    await pipeMetered(metered, sink)
    await metered.ended
    expect(writes).toEqual([...Array(8).fill(MiB), 5])
    expect(waits()).toBe(8)
    expect(sent()).toBe(8 * MiB + 5)
    expect(ended()).toBe(true)
  })

  test('never writes more than the caller allows, rounded down to a power of two, nor less than 64 KiB', async () => {
    for (const [cap, size] of [
      [MiB / 3, 256 * KiB],
      [600 * KiB, 512 * KiB],
      [10 * KiB, 64 * KiB],
      [0, 64 * KiB],
      [64 * MiB, MiB],
    ] as const) {
      const { metered } = body(4 * MiB)
      const { sink, writes } = recordingSink()
      await pipeMetered(metered, sink, () => cap)
      expect(new Set(writes)).toEqual(new Set([size]))
      expect(writes.reduce((a, b) => a + b, 0)).toBe(4 * MiB)
    }
  })

  test('follows the allowance as it changes: more downloads streaming, smaller writes; fewer, larger', async () => {
    const { metered } = body(6 * MiB)
    const { sink, writes } = recordingSink()
    // The share of a 4 MiB budget as downloads come and go: 1, then 16, then 2 of them.
    const streaming = [1, 1, 16, 16, 16, 16, 2]
    let asked = 0
    await pipeMetered(metered, sink, () => (4 * MiB) / (streaming[asked++] ?? 2))
    expect(writes.slice(0, 7)).toEqual([MiB, MiB, 256 * KiB, 256 * KiB, 256 * KiB, 256 * KiB, MiB])
  })
})
