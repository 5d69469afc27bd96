import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import type { ServiceTarget, TargetKind } from '../support/target'

const LIMIT = 1024 * 1024
const SLACK = 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)'

/**
 * The security review's findings that show over HTTP (docs/security.md,
 * "Findings"), one regression test each, run on every target. Each failed
 * before its fix.
 */
export function defineFindingsSuite(kind: TargetKind) {
  describe(`security review findings, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api

    beforeAll(async () => {
      target = await kind.start({ env: { RATE_LIMIT: '0', MAX_UPLOAD_BYTES: String(LIMIT) } })
      api = new Api(target)
    })
    afterAll(async () => {
      await target?.stop()
    })

    const problem = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status)
      const body = await response.json()
      expect(body).toMatchObject({ status, code })
      return body as { detail: string }
    }
    const multipart = (parts: { name: string; filename?: string; data: Uint8Array | string }[], boundary = 'hardening-boundary') => {
      const encoder = new TextEncoder()
      const pieces: Uint8Array[] = []
      for (const part of parts) {
        const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`
        pieces.push(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n\r\n`))
        pieces.push(typeof part.data === 'string' ? encoder.encode(part.data) : part.data)
        pieces.push(encoder.encode('\r\n'))
      }
      pieces.push(encoder.encode(`--${boundary}--\r\n`))
      return { body: new Blob(pieces as BlobPart[]), contentType: `multipart/form-data; boundary=${boundary}` }
    }

    describe('finding 4: a stored object outlives every record that uses it', () => {
      test('imports under the service’s own prefix are refused', async () => {
        const own = await api.upload('mine.txt', 'mine')
        for (const key of [`files/${own.id}`, 'files/anything']) {
          const body = await problem(await api.request('POST', '/api/v1/files/import', { json: { key } }), 400, 'invalid_request')
          expect(body.detail).toContain('files/')
        }
      })

      test('deleting one of two records of an object keeps the object for the other', async () => {
        const data = bytes(5000, 4)
        await target.putObject('shared/object.bin', data)
        const first = await api.json('POST', '/api/v1/files/import', { json: { key: 'shared/object.bin' } }, 201)
        const second = await api.json('POST', '/api/v1/files/import', { json: { key: 'shared/object.bin', name: 'again.bin' } }, 201)
        const link = await api.issue(second.id)
        expect((await api.request('DELETE', `/api/v1/files/${first.id}`)).status).toBe(204)
        const response = await fetch(link.downloadUrl)
        expect(response.status).toBe(200)
        expect(new Uint8Array(await response.arrayBuffer())).toEqual(data)
        // The last record gone, the object goes too.
        expect((await api.request('DELETE', `/api/v1/files/${second.id}`)).status).toBe(204)
        await problem(await api.request('POST', '/api/v1/files/import', { json: { key: 'shared/object.bin' } }), 404, 'not_found')
      })
    })

    test('finding 6: a HEAD from a link previewer never sees the file name', async () => {
      const file = await api.upload('Quarterly secrets 2026.pdf', 'private', 'application/pdf')
      const link = await api.issue(file.id)
      for (const url of [link.downloadUrl, `${link.downloadUrl}?via=page`]) {
        const head = await fetch(url, { method: 'HEAD', headers: { 'user-agent': SLACK } })
        expect(head.status).toBe(200)
        for (const [name, value] of head.headers) {
          expect(`${name}: ${value}`).not.toMatch(/Quarterly|secrets/i)
        }
      }
      // A person's HEAD still gets the headers a GET would.
      const person = await fetch(link.downloadUrl, { method: 'HEAD' })
      expect(person.headers.get('content-disposition')).toContain('Quarterly')
      expect((await api.link(link.id)).downloads).toBe(0)
    })

    describe('finding 9', () => {
      test('the Authorization scheme is matched case-insensitively (RFC 9110, 11.1)', async () => {
        for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
          const response = await api.request('GET', '/api/v1/files', {
            key: null,
            headers: { authorization: `${scheme} ${target.adminKey}` },
          })
          expect(response.status).toBe(200)
          await response.arrayBuffer()
        }
        await problem(
          await api.request('GET', '/api/v1/files', { key: null, headers: { authorization: `Bearerx ${target.adminKey}` } }),
          401,
          'unauthorized',
        )
      })

      test('the multipart framing does not count against MAX_UPLOAD_BYTES; the file and skipped parts do', async () => {
        const exact = multipart([{ name: 'file', filename: 'exact.bin', data: bytes(LIMIT, 2) }])
        const stored = await api.json('POST', '/api/v1/files', { body: exact.body, headers: { 'content-type': exact.contentType } }, 201)
        expect(stored).toMatchObject({ name: 'exact.bin', size: LIMIT })
        const over = multipart([{ name: 'file', filename: 'over.bin', data: bytes(LIMIT + 1, 2) }])
        await problem(
          await api.request('POST', '/api/v1/files', { body: over.body, headers: { 'content-type': over.contentType } }),
          413,
          'payload_too_large',
        )
        const padded = multipart([
          { name: 'pad', data: 'p'.repeat(LIMIT / 2) },
          { name: 'file', filename: 'padded.bin', data: bytes(LIMIT / 2 + 1, 3) },
        ])
        await problem(
          await api.request('POST', '/api/v1/files', { body: padded.body, headers: { 'content-type': padded.contentType } }),
          413,
          'payload_too_large',
        )
      })

      test('an empty ?name= falls back to the part’s file name; a raw upload still needs one', async () => {
        const form = multipart([{ name: 'file', filename: 'from-the-part.txt', data: 'hello' }])
        const stored = await api.json(
          'POST',
          '/api/v1/files?name=',
          { body: form.body, headers: { 'content-type': form.contentType } },
          201,
        )
        expect(stored.name).toBe('from-the-part.txt')
        const body = await problem(
          await api.request('POST', '/api/v1/files?name=', { body: 'x', headers: { 'content-type': 'text/plain' } }),
          400,
          'invalid_request',
        )
        expect(body.detail).toContain('name')
      })

      test('JSON sent without a JSON Content-Type is told to send application/json', async () => {
        const file = await api.upload('typed.txt', 'typed')
        for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', null]) {
          const response = await api.request('POST', '/api/v1/links', {
            body: JSON.stringify({ fileId: file.id, expiresIn: 60 }),
            headers: contentType ? { 'content-type': contentType } : {},
          })
          const body = await problem(response, 400, 'invalid_request')
          expect(body.detail).toContain('application/json')
        }
      })

      test('a missing expiresIn is named, with what to send', async () => {
        const file = await api.upload('ttl.txt', 'ttl')
        const body = await problem(await api.request('POST', '/api/v1/links', { json: { fileId: file.id } }), 400, 'invalid_request')
        expect(body.detail).toMatch(/^expiresIn: /)
        expect(body.detail).toContain('"7d"')
      })

      test('an unsupported method on a known path is 405 with Allow', async () => {
        const cases: [string, string, string][] = [
          ['PUT', '/api/v1/files', 'GET, HEAD, POST'],
          ['PATCH', '/healthz', 'GET, HEAD'],
          ['DELETE', '/.well-known/jwks.json', 'GET, HEAD'],
          ['PUT', '/d/some-token', 'GET, HEAD, POST'],
          ['POST', '/s/some-token', 'GET, HEAD'],
          // GET /api/v1/links/revoke is GET /api/v1/links/{id}: that path is served by four operations.
          ['PUT', '/api/v1/links/revoke', 'DELETE, GET, HEAD, PATCH, POST'],
        ]
        for (const [method, path, allow] of cases) {
          const response = await api.request(method, path)
          await problem(response, 405, 'method_not_allowed')
          expect(response.headers.get('allow')).toBe(allow)
        }
        await problem(await api.request('PUT', '/no/such/path'), 404, 'not_found')
      })
    })
  })
}
