import { describe, expect, test } from 'vitest'
import { multipartBoundary, readMultipartFile } from '../../src/core/http/multipart'

const encoder = new TextEncoder()

/** Streams `body` in chunks of `size` bytes, so boundaries fall anywhere. */
function chunked(body: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= body.length) return controller.close()
      controller.enqueue(body.slice(offset, offset + size))
      offset += size
    },
  })
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

async function encode(form: FormData): Promise<{ body: Uint8Array; contentType: string }> {
  const request = new Request('http://x/', { method: 'POST', body: form })
  return { body: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get('content-type')! }
}

describe('multipartBoundary', () => {
  test.each([
    ['multipart/form-data; boundary=abc', 'abc'],
    ['multipart/form-data; boundary="a b c"', 'a b c'],
    ['Multipart/Form-Data;charset=utf-8; boundary=----x', '----x'],
    ['multipart/mixed; boundary=abc', null],
    ['multipart/form-data', null],
    ['application/json', null],
    [null, null],
  ])('%j', (header, boundary) => {
    expect(multipartBoundary(header)).toBe(boundary)
  })
})

describe('readMultipartFile', () => {
  const file = new Uint8Array(200_000).map((_, i) => (i * 31 + (i >> 8)) & 0xff)
  // Content that looks like a delimiter line but is not one.
  file.set(encoder.encode('\r\n--not-the-boundary\r\n'), 1000)

  test.each([1, 7, 64, 4096, 65536, 1 << 20])('finds the file and streams it exactly, in chunks of %i bytes', async (size) => {
    const form = new FormData()
    form.append('title', 'before the file')
    form.append('file', new Blob([file], { type: 'application/x-test' }), 'naïve "name".bin')
    form.append('after', 'after the file')
    const { body, contentType } = await encode(form)
    const part = await readMultipartFile(chunked(body, size), multipartBoundary(contentType)!)
    expect(part.filename).toBe('naïve "name".bin')
    expect(part.contentType).toBe('application/x-test')
    expect(Buffer.from(await collect(part.body))).toEqual(Buffer.from(file))
  })

  test('an empty file is an empty stream', async () => {
    const form = new FormData()
    form.append('file', new Blob([]), 'empty.txt')
    const { body, contentType } = await encode(form)
    const part = await readMultipartFile(chunked(body, 10), multipartBoundary(contentType)!)
    expect((await collect(part.body)).length).toBe(0)
  })

  test('filename* (RFC 5987) wins over filename', async () => {
    const body = encoder.encode(
      `--b\r\nContent-Disposition: form-data; name="file"; filename="fallback.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\ndata\r\n--b--\r\n`,
    )
    const part = await readMultipartFile(chunked(body, 5), 'b')
    expect(part.filename).toBe('€ rates.txt')
    expect(new TextDecoder().decode(await collect(part.body))).toBe('data')
  })

  test.each([
    ['no file field', '--b\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--b--\r\n'],
    ['no boundary at all', 'just some bytes'],
    ['ends inside headers', '--b\r\nContent-Disposition: form-data; name="file"'],
    ['headers too large', `--b\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\nx\r\n--b--\r\n`],
  ])('refuses a body with %s as 400 invalid_request', async (_name, text) => {
    await expect(readMultipartFile(chunked(encoder.encode(text), 3), 'b')).rejects.toMatchObject({ code: 'invalid_request', status: 400 })
  })

  test('a file cut off before its closing boundary errors the stream', async () => {
    const body = encoder.encode('--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\npartial data')
    const part = await readMultipartFile(chunked(body, 4), 'b')
    await expect(collect(part.body)).rejects.toMatchObject({ code: 'invalid_request' })
  })
})

/*
 * Finding 1 of the security review: part headers cost quadratic CPU. The
 * buffer was copied on every read and the search for the blank line began
 * again at 0, so a body sent one byte at a time whose part headers are all
 * CR bytes took seconds per part, and any user key could stall the server.
 */
describe('hostile multipart bodies cost linear time and bounded bytes', () => {
  /** One byte per read, as a client sending 1-byte TCP segments gets it read. */
  function oneByteAtATime(body: Uint8Array): ReadableStream<Uint8Array> {
    let offset = 0
    return new ReadableStream({
      pull(controller) {
        if (offset >= body.length) return controller.close()
        controller.enqueue(body.subarray(offset, offset + 1))
        offset++
      },
    })
  }

  /** CPU milliseconds (this process) spent on `work`. */
  async function cpuMs(work: () => Promise<unknown>): Promise<number> {
    const before = process.cpuUsage()
    await work()
    const used = process.cpuUsage(before)
    return (used.user + used.system) / 1000
  }

  test('part headers of CR bytes, one byte per read: a part no longer costs seconds', async () => {
    // Before the fix: about 3 s of CPU for this one part (measured), 90 s for 32.
    const body = encoder.encode(
      `--b\r\n${'\r'.repeat(16_000)}\n\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nok\r\n--b--\r\n`,
    )
    let part: Awaited<ReturnType<typeof readMultipartFile>> | undefined
    const spent = await cpuMs(async () => {
      part = await readMultipartFile(oneByteAtATime(body), 'b')
    })
    expect(new TextDecoder().decode(await collect(part!.body))).toBe('ok')
    expect(spent).toBeLessThan(500)
  })

  test('32 such parts are refused early, by the bound on all part headers together', async () => {
    const pieces = Array.from({ length: 32 }, () => `--b\r\n${'\r'.repeat(16_000)}\n\r\n\r\nx\r\n`)
    const body = encoder.encode(`${pieces.join('')}--b--\r\n`)
    const spent = await cpuMs(() =>
      expect(readMultipartFile(oneByteAtATime(body), 'b')).rejects.toMatchObject({
        code: 'invalid_request',
        message: expect.stringContaining('part headers'),
      }),
    )
    expect(spent).toBeLessThan(1500)
  })

  test('a file sent one byte per read streams in time linear in its size', async () => {
    const file = new Uint8Array(256 * 1024).fill(13)
    const head = encoder.encode('--b\r\nContent-Disposition: form-data; name="file"\r\n\r\n')
    const tail = encoder.encode('\r\n--b--\r\n')
    const body = new Uint8Array([...head, ...file, ...tail])
    let received = 0
    const spent = await cpuMs(async () => {
      const part = await readMultipartFile(oneByteAtATime(body), 'b')
      received = (await collect(part.body)).length
    })
    expect(received).toBe(file.length)
    expect(spent).toBeLessThan(1500)
  })

  test('skipped parts count against the upload limit: 413 before the file is reached', async () => {
    const filler = 'z'.repeat(10_000)
    const body = encoder.encode(
      `--b\r\nContent-Disposition: form-data; name="pad"\r\n\r\n${filler}\r\n--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nx\r\n--b--\r\n`,
    )
    await expect(readMultipartFile(chunked(body, 512), 'b', { maxBytes: 4096 })).rejects.toMatchObject({
      code: 'payload_too_large',
      status: 413,
    })
    // Under the limit, what was skipped is reported so the file gets what is left.
    const part = await readMultipartFile(chunked(body, 512), 'b', { maxBytes: 20_000 })
    expect(part.skipped).toBeGreaterThanOrEqual(10_000)
    expect(part.skipped).toBeLessThan(10_100)
  })
})
