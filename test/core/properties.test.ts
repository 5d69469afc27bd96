import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { FuselinkError } from '../../src/core/errors'
import { asciiFallback, contentDisposition, safeFilename } from '../../src/core/http/disposition'
import { parseDuration } from '../../src/core/http/duration'
import { multipartBoundary, readMultipartFile } from '../../src/core/http/multipart'
import { isResumeRange, parseRange } from '../../src/core/http/range'
import { buildKeyRing, generateSigningJwk, type LinkClaims, signLinkToken, verifyLinkToken } from '../../src/core/token'

/*
 * Property tests of the parsers hostile input reaches first
 * (docs/security.md, "Hostile input"). Each property is an invariant:
 * what the parser may return, whatever it is given, and what survives a
 * round trip.
 */

const RUNS = { numRuns: 1000 }

describe('parseRange', () => {
  const header = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc
      .tuple(fc.constantFrom('', ' '), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.bigInt({ min: 0n, max: 10n ** 20n }))
      .map(([space, a, b]) => `bytes${space}=${a}-${b}`),
    fc.nat().map((n) => `bytes=-${n}`),
    fc.nat().map((n) => `bytes=${n}-`),
  )
  const size = fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat())

  test('never throws; a range it grants lies inside the file, and an empty file grants none', () => {
    fc.assert(
      fc.property(header, size, (value, bytes) => {
        const range = parseRange(value, bytes)
        if (range.kind === 'partial') {
          expect(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end)).toBe(true)
          expect(0 <= range.start && range.start <= range.end && range.end < bytes).toBe(true)
        }
      }),
      RUNS,
    )
  })

  test('round trip: bytes=a-b, bytes=a- and bytes=-n of a file give back exactly those bytes', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 2 ** 40 })
          .chain((bytes) =>
            fc.tuple(fc.constant(bytes), fc.nat({ max: bytes - 1 }), fc.nat({ max: bytes - 1 }), fc.integer({ min: 1, max: 2 ** 41 })),
          ),
        ([bytes, x, y, n]) => {
          const [a, b] = x <= y ? [x, y] : [y, x]
          expect(parseRange(`bytes=${a}-${b}`, bytes)).toEqual({ kind: 'partial', start: a, end: b })
          expect(parseRange(`bytes=${a}-`, bytes)).toEqual({ kind: 'partial', start: a, end: bytes - 1 })
          expect(parseRange(`bytes=-${n}`, bytes)).toEqual({ kind: 'partial', start: Math.max(0, bytes - n), end: bytes - 1 })
          expect(parseRange(`bytes=${bytes}-`, bytes)).toEqual({ kind: 'unsatisfiable' })
        },
      ),
      RUNS,
    )
  })

  test('a resume (a range after byte 0) never reads byte 0', () => {
    fc.assert(
      fc.property(header, size, (value, bytes) => {
        const range = parseRange(value, bytes)
        if (isResumeRange(value) && range.kind === 'partial') expect(range.start).toBeGreaterThan(0)
      }),
      RUNS,
    )
  })
})

describe('parseDuration', () => {
  const UNITS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 } as const

  test('never throws; anything it accepts is a positive safe number of seconds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string({ maxLength: 30 }), fc.double()), (input) => {
        const seconds = parseDuration(input)
        if (seconds !== null) expect(Number.isSafeInteger(seconds) && seconds > 0).toBe(true)
      }),
      RUNS,
    )
  })

  test('round trip: n with a unit, as a string or a number of seconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999_999 }),
        fc.constantFrom(...(Object.keys(UNITS) as (keyof typeof UNITS)[])),
        (n, unit) => {
          expect(parseDuration(`${n}${unit}`)).toBe(n * UNITS[unit])
          expect(parseDuration(` ${n} `)).toBe(n)
          expect(parseDuration(n)).toBe(n)
          expect(parseDuration(-n)).toBeNull()
        },
      ),
      RUNS,
    )
  })
})

/** Streams `body` in reads of the given sizes (cycled), so delimiters fall anywhere. */
function chunked(body: Uint8Array, sizes: number[]): ReadableStream<Uint8Array> {
  let offset = 0
  let turn = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= body.length) return controller.close()
      const size = sizes[turn++ % sizes.length]!
      controller.enqueue(body.slice(offset, offset + size))
      offset += size
    },
  })
}

/** Reads a multipart file whole; its only allowed failure is a problem error. */
async function readWhole(body: Uint8Array, boundary: string, sizes: number[], maxBytes?: number) {
  const part = await readMultipartFile(chunked(body, sizes), boundary, { maxBytes })
  return { ...part, data: new Uint8Array(await new Response(part.body).arrayBuffer()) }
}

describe('contentDisposition', () => {
  const names = fc.oneof(
    fc.string({ maxLength: 300, unit: 'binary' }),
    fc.string({ maxLength: 300, unit: 'grapheme' }),
    fc.string({ maxLength: 40 }),
    // JSON may carry half a surrogate pair alone ("\ud800"), which no UTF-8 decoder would make.
    fc
      .array(fc.oneof(fc.constantFrom('\ud800', '\udfff', 'a', '\ud83d\ude00'), fc.string()), { maxLength: 8 })
      .map((parts) => parts.join('')),
  )
  const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff/\\]/

  test('never throws, and whatever the name, the header is one line of printable ASCII a Headers object takes', () => {
    fc.assert(
      fc.property(names, (name) => {
        const header = contentDisposition(name)
        expect(header).toMatch(/^attachment; filename="[\x20-\x21\x23-\x5b\x5d-\x7e]+"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+$/)
        expect(new Headers({ 'content-disposition': header }).get('content-disposition')).toBe(header)
      }),
      RUNS,
    )
  })

  test('round trip: filename* decodes to the stored name, which is never empty, has no controls, direction marks or separators, no leading dot, at most 255 characters, and is stable', () => {
    fc.assert(
      fc.property(names, (name) => {
        const safe = safeFilename(name)
        const encoded = /filename\*=UTF-8''(.*)$/.exec(contentDisposition(name))![1]!
        expect(decodeURIComponent(encoded)).toBe(safe)
        expect(safe.length).toBeGreaterThan(0)
        expect(safe).not.toMatch(UNSAFE)
        expect(safe.startsWith('.')).toBe(false)
        expect(Array.from(safe).length).toBeLessThanOrEqual(255)
        expect(safeFilename(safe)).toBe(safe)
      }),
      RUNS,
    )
  })

  test('a printable ASCII name, spelled at once, reads as the same name spelled character by character', () => {
    const ascii = fc
      .array(
        fc.oneof(
          fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
          fc.constantFrom('"', '%', '\\', '.', ' '),
        ),
        {
          maxLength: 60,
        },
      )
      .map((characters) => characters.join(''))
    fc.assert(
      fc.property(ascii, (name) => {
        // An "é" takes the name through segmenting and normalising; an "e" in its place does not.
        expect(asciiFallback(`${name}é`)).toBe(asciiFallback(`${name}e`))
        expect(asciiFallback(`é${name}`)).toBe(asciiFallback(`e${name}`))
      }),
      RUNS,
    )
  })
})

describe('readMultipartFile', () => {
  const reads = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 })

  test('round trip: the file a browser form encodes comes back byte for byte, with its name, whatever fields precede it and however it is read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.string({ minLength: 1, maxLength: 40 }).filter((name) => name.trim() !== '' && !/[\r\n"\\%]/.test(name)),
        fc.array(fc.string({ maxLength: 200 }), { maxLength: 3 }),
        reads,
        async (data, name, before, sizes) => {
          const form = new FormData()
          for (const [i, value] of before.entries()) form.append(`field${i}`, value)
          form.append('file', new Blob([data as Uint8Array<ArrayBuffer>]), name)
          const request = new Request('http://x/', { method: 'POST', body: form })
          const body = new Uint8Array(await request.arrayBuffer())
          const part = await readWhole(body, multipartBoundary(request.headers.get('content-type'))!, sizes)
          expect(part.filename).toBe(name)
          expect(part.data).toEqual(data)
        },
      ),
      { numRuns: 300 },
    )
  })

  test('never fails with anything but a problem error (400 or 413), whatever the body, and never hands out more than the limit in skipped parts', async () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((bytes) => new TextDecoder('latin1').decode(bytes)),
      fc.constantFrom(
        '--b\r\n',
        '--b--\r\n',
        '\r\n\r\n',
        '\r\n',
        'Content-Disposition: form-data; name="file"; filename="x"\r\n',
        '\r'.repeat(500),
      ),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 12 }), reads, fc.integer({ min: 0, max: 2000 }), async (pieces, sizes, maxBytes) => {
        const text = pieces.join('')
        const body = new Uint8Array(text.length)
        for (let i = 0; i < text.length; i++) body[i] = text.charCodeAt(i) & 0xff
        try {
          const part = await readWhole(body, 'b', sizes, maxBytes)
          expect(part.skipped).toBeLessThanOrEqual(maxBytes)
        } catch (error) {
          expect(error).toBeInstanceOf(FuselinkError)
          expect([400, 413]).toContain((error as FuselinkError).status)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('link tokens', () => {
  const claims = fc.record({
    jti: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 64 }),
    fid: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 64 }),
    max: fc.integer({ min: 1, max: 10_000 }),
    iat: fc.integer({ min: 0, max: 2 ** 40 }),
    exp: fc.integer({ min: 0, max: 2 ** 40 }),
  })

  test('round trip, and any change to a token makes it invalid_token, never another error or other claims', async () => {
    const ring = await buildKeyRing(JSON.stringify(await generateSigningJwk()), null)
    await fc.assert(
      fc.asyncProperty(claims, fc.nat(), fc.integer({ min: 1, max: 63 }), async (signed: LinkClaims, at, flip) => {
        const token = await signLinkToken(ring, signed)
        expect(await verifyLinkToken(ring, token)).toMatchObject(signed)
        const i = at % token.length
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'
        const changed = alphabet[(alphabet.indexOf(token[i]!) + flip) % alphabet.length]!
        const tampered = token.slice(0, i) + changed + token.slice(i + 1)
        const outcome = await verifyLinkToken(ring, tampered).then(
          (verified) => ({ verified }),
          (error: unknown) => ({ error }),
        )
        // A change in a base64url segment's padding bits may decode to the same bytes: then the same claims.
        if ('verified' in outcome) expect(outcome.verified).toMatchObject(signed)
        else expect(outcome.error).toMatchObject({ code: 'invalid_token', status: 403 })
      }),
      { numRuns: 300 },
    )
  })

  test('arbitrary strings are refused as invalid_token and nothing else', async () => {
    const ring = await buildKeyRing(JSON.stringify(await generateSigningJwk()), null)
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 2000 }),
          fc.array(fc.base64String({ maxLength: 200 }), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.').replace(/=/g, '')),
        ),
        async (token) => {
          await expect(verifyLinkToken(ring, token)).rejects.toMatchObject({ code: 'invalid_token', status: 403 })
        },
      ),
      { numRuns: 500 },
    )
  })
})
