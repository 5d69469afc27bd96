import { describe, expect, test } from 'vitest'
import { sourceOfStream } from '../../src/core/http/byte-sources'
import { MeteredBody, meterStream, StoppedError, StorageStalledError, type StreamEnd } from '../../src/core/http/metered-stream'

function source(chunks: number[], failAt?: number): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === failAt) return controller.error(new Error('storage went away'))
      if (i === chunks.length) return controller.close()
      controller.enqueue(new Uint8Array(chunks[i++]!))
    },
  })
}

function metered(input: ReadableStream<Uint8Array>, budget = Infinity) {
  const ends: [number, StreamEnd][] = []
  const asked: number[] = []
  const { body, ended } = meterStream(input, {
    allow: async (total) => {
      asked.push(total)
      return Math.min(total, budget)
    },
    end: async (sent, how) => void ends.push([sent, how]),
  })
  return { body, ended, ends, asked }
}

async function drain(body: ReadableStream<Uint8Array>, stopAfter = Infinity) {
  const reader = body.getReader()
  let received = 0
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      received += next.value.byteLength
      if (received >= stopAfter) {
        await reader.cancel()
        break
      }
    }
    return { received, error: null }
  } catch (error) {
    return { received, error }
  }
}

describe('meterStream', () => {
  test('asks before handing bytes on and reports exactly what was taken, once', async () => {
    const m = metered(source([10, 20, 30]))
    expect(await drain(m.body)).toEqual({ received: 60, error: null })
    await m.ended
    expect(m.asked).toEqual([10, 30, 60])
    expect(m.ends).toEqual([[60, 'complete']])
  })

  test('a client going away mid-way reports the bytes it took', async () => {
    const m = metered(source([10, 20, 30]))
    expect((await drain(m.body, 25)).received).toBe(30)
    await m.ended
    expect(m.ends).toEqual([[30, 'cancelled']])
  })

  test('storage failing before the first byte reports a failure with nothing sent', async () => {
    const m = metered(source([10], 0))
    expect((await drain(m.body)).error).toBeInstanceOf(Error)
    await m.ended
    expect(m.ends).toEqual([[0, 'failed']])
  })

  test('a budget that runs out hands on the allowed part, then aborts the body', async () => {
    const m = metered(source([10, 20, 30]), 25)
    const { received, error } = await drain(m.body)
    expect(received).toBe(25)
    expect(error).toBeInstanceOf(StoppedError)
    await m.ended
    expect(m.ends).toEqual([[25, 'stopped']])
  })

  test('no budget at all aborts before any byte', async () => {
    const m = metered(source([10]), 0)
    const { received, error } = await drain(m.body)
    expect([received, error instanceof StoppedError]).toEqual([0, true])
    await m.ended
    expect(m.ends).toEqual([[0, 'stopped']])
  })

  test('a meter that cannot answer (database down) ends the body and reports what was sent', async () => {
    const ends: [number, StreamEnd][] = []
    let calls = 0
    const { body, ended } = meterStream(source([10, 20]), {
      allow: async (total) => {
        if (++calls > 1) throw new Error('database unreachable')
        return total
      },
      end: async (sent, how) => void ends.push([sent, how]),
    })
    const { received, error } = await drain(body)
    expect([received, (error as Error).message]).toEqual([10, 'database unreachable'])
    await ended
    expect(ends).toEqual([[10, 'stopped']])
  })

  test('storage that stops sending mid-way is given up after the stall time: the body errors, the failure reports what was sent, storage is let go', async () => {
    let cancelled = false
    let pulls = 0
    const hanging = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Two chunks, then nothing ever again (a storage server hanging mid-answer).
        if (pulls++ < 2) controller.enqueue(new Uint8Array(10))
        else return new Promise<void>(() => {})
      },
      cancel() {
        cancelled = true
      },
    })
    const ends: [number, StreamEnd][] = []
    const body = new MeteredBody(
      sourceOfStream(hanging),
      { allow: async (total) => total, end: async (sent, how) => void ends.push([sent, how]) },
      { stallMs: 50 },
    )
    const started = Date.now()
    const result = await drain(body.stream())
    expect(result.received).toBe(20)
    expect(result.error).toBeInstanceOf(StorageStalledError)
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
    await body.ended
    expect(ends).toEqual([[20, 'failed']])
    expect(cancelled).toBe(true)
  })
})
