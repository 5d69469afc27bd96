import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api, bytes } from '../support/api'
import { ROOT } from '../support/node-service'
import { removeScratch, scratchDir } from '../support/scratch'
import type { ServiceTarget, TargetKind } from '../support/target'
import { UpstreamCounter } from '../support/upstream-counter'

const MIB = 1024 * 1024
const PART = 5 * MIB

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function problem(response: Response, status: number, code: string) {
  const text = await response.text()
  expect(response.status, text).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  const body = JSON.parse(text)
  expect(body).toMatchObject({ status, code })
  return body
}

function createUpload(api: Api, name: string, size: number, contentType?: string) {
  return api.request('POST', '/api/v1/uploads', { json: { name, size, ...(contentType ? { contentType } : {}) } })
}

function putPart(api: Api, id: string, n: number | string, body: BodyInit, headers: Record<string, string> = {}) {
  return api.request('PUT', `/api/v1/uploads/${id}/parts/${n}`, {
    body,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  })
}

function slice(data: Uint8Array, upload: { partSize: number }, n: number): Uint8Array<ArrayBuffer> {
  return data.slice((n - 1) * upload.partSize, n * upload.partSize)
}

/** A body without Content-Length: the service can only count it as it streams. */
function streamed(data: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < data.length; i += 256 * 1024) controller.enqueue(data.slice(i, i + 256 * 1024))
      controller.close()
    },
  })
}

/**
 * Starts an upload on a connection of its own. The races below send 100 at
 * once, twice: reusing the first race's idle keep-alive connections, a
 * client can send on one the server is closing just then (undici then
 * fails with "other side closed"), which is the client's race, not the
 * service's.
 */
function createOnNewConnection(
  target: ServiceTarget,
  credential: string,
  name: string,
  size: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${target.baseUrl}/api/v1/uploads`,
      { method: 'POST', agent: false, headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' } },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify({ name, size }))
  })
}

/** Sends every part of `data` (in the order given) and completes the upload. */
async function uploadInParts(api: Api, name: string, data: Uint8Array, order?: number[]) {
  const response = await createUpload(api, name, data.length)
  expect(response.status, await response.clone().text()).toBe(201)
  const upload = await response.json()
  for (const n of order ?? Array.from({ length: upload.parts }, (_, i) => i + 1)) {
    const sent = await putPart(api, upload.id, n, slice(data, upload, n))
    expect(sent.status, await sent.clone().text()).toBe(200)
  }
  return { upload, file: await api.json('POST', `/api/v1/uploads/${upload.id}/complete`, {}, 201) }
}

/**
 * Uploads in parts and upload requests (docs/api.md, "Uploads" and "Upload
 * requests"; the design in docs/uploads.md), run unchanged against every
 * runtime and store.
 */
export function defineUploadSuite(kind: TargetKind) {
  let target: ServiceTarget
  let api: Api

  beforeAll(async () => {
    target = await kind.start({
      env: {
        RATE_LIMIT: '0',
        MAX_UPLOAD_BYTES: String(64 * MIB),
        UPLOAD_PART_SIZE: String(PART),
        UPLOAD_REQUEST_RATE: '0',
        MAX_UPLOADS_IN_FLIGHT: '20',
      },
    })
    api = new Api(target)
  })
  afterAll(async () => {
    await target?.stop()
  })

  describe('uploads in parts', () => {
    it('takes parts out of order, in parallel and twice, and completes into the file a one-request upload makes', async () => {
      const data = bytes(12 * MIB + 12_345, 21)
      const created = await createUpload(api, 'backup 2026.tar', data.length, 'application/x-tar')
      expect(created.status).toBe(201)
      expect(created.headers.get('location')).toMatch(/^\/api\/v1\/uploads\/[A-Za-z0-9_-]+$/)
      const upload = await created.json()
      expect(upload).toMatchObject({
        name: 'backup 2026.tar',
        size: data.length,
        contentType: 'application/x-tar',
        partSize: PART,
        parts: 3,
        received: [],
      })
      expect(Object.keys(upload).sort()).toEqual([
        'contentType',
        'createdAt',
        'expiresAt',
        'id',
        'name',
        'partSize',
        'parts',
        'received',
        'size',
      ])
      expect(Date.parse(upload.expiresAt) - Date.parse(upload.createdAt)).toBe(86400_000)

      expect(await (await putPart(api, upload.id, 3, slice(data, upload, 3))).json()).toEqual({ part: 3, size: 12_345 + 2 * MIB })
      const parallel = await Promise.all([1, 2].map((n) => putPart(api, upload.id, n, slice(data, upload, n))))
      expect(parallel.map((r) => r.status)).toEqual([200, 200])
      // Sent again, first with other bytes, then with the right ones: the last one counts.
      expect((await putPart(api, upload.id, 2, bytes(PART, 99))).status).toBe(200)
      expect((await putPart(api, upload.id, 2, slice(data, upload, 2))).status).toBe(200)
      expect((await api.json('GET', `/api/v1/uploads/${upload.id}`)).received).toEqual([1, 2, 3])

      const completed = await api.request('POST', `/api/v1/uploads/${upload.id}/complete`)
      expect(completed.status).toBe(201)
      const file = await completed.json()
      expect(completed.headers.get('location')).toBe(`/api/v1/files/${file.id}`)
      expect(file).toMatchObject({ name: 'backup 2026.tar', size: data.length, contentType: 'application/x-tar', sha256: sha256(data) })
      expect(await api.json('GET', `/api/v1/files/${file.id}`)).toEqual(file)

      const single = await api.upload('backup 2026.tar', data, 'application/x-tar')
      expect(Object.keys(single).sort()).toEqual(Object.keys(file).sort())
      expect(single.sha256).toBe(file.sha256)

      const link = await api.issue(file.id)
      const downloaded = new Uint8Array(await (await fetch(link.downloadUrl)).arrayBuffer())
      expect(sha256(downloaded)).toBe(sha256(data))

      // Completed: the upload is gone.
      await problem(await api.request('GET', `/api/v1/uploads/${upload.id}`), 404, 'not_found')
      await problem(await api.request('POST', `/api/v1/uploads/${upload.id}/complete`), 404, 'not_found')
      await problem(await putPart(api, upload.id, 1, slice(data, upload, 1)), 404, 'not_found')
      await problem(await api.request('DELETE', `/api/v1/uploads/${upload.id}`), 404, 'not_found')
      expect(await target.pendingMultipart()).not.toContain(upload.id)
    })

    it('makes a file of one part when it is no larger than a part', async () => {
      const data = bytes(3 * MIB + 7, 5)
      const { upload, file } = await uploadInParts(api, 'small.bin', data)
      expect(upload).toMatchObject({ parts: 1, partSize: data.length })
      expect(file).toMatchObject({ size: data.length, sha256: sha256(data), contentType: 'application/octet-stream' })
    })

    it('refuses a part of the wrong length with 400 and keeps nothing of it', async () => {
      const data = bytes(2 * PART + 100, 8)
      const upload = await (await createUpload(api, 'lengths.bin', data.length)).json()
      // Declared wrong: refused before the body is read.
      await problem(await putPart(api, upload.id, 1, slice(data, upload, 1).slice(1)), 400, 'invalid_request')
      await problem(await putPart(api, upload.id, 3, bytes(101)), 400, 'invalid_request')
      // Streamed without a length: counted as it arrives, short and long.
      await problem(await putPart(api, upload.id, 1, streamed(slice(data, upload, 1).slice(0, PART - 1))), 400, 'invalid_request')
      await problem(await putPart(api, upload.id, 2, streamed(bytes(PART + 1, 3))), 400, 'invalid_request')
      expect((await api.json('GET', `/api/v1/uploads/${upload.id}`)).received).toEqual([])
      // A good part sent after a bad one of the same number is kept.
      expect((await putPart(api, upload.id, 1, streamed(slice(data, upload, 1)))).status).toBe(200)
      // And a bad one sent after a good one does not replace it.
      await problem(await putPart(api, upload.id, 1, streamed(bytes(PART - 5, 4))), 400, 'invalid_request')
      for (const n of [2, 3]) expect((await putPart(api, upload.id, n, slice(data, upload, n))).status).toBe(200)
      const file = await api.json('POST', `/api/v1/uploads/${upload.id}/complete`, {}, 201)
      expect(file.sha256).toBe(sha256(data))
    })

    it('refuses part numbers outside 1..parts and bad upload fields with 400, sizes past MAX_UPLOAD_BYTES with 413', async () => {
      const upload = await (await createUpload(api, 'numbers.bin', PART + 1)).json()
      for (const n of ['0', '3', '-1', 'x', '1.5', '99999'])
        await problem(await putPart(api, upload.id, n, bytes(1)), 400, 'invalid_request')
      await problem(await createUpload(api, 'empty.bin', 0), 400, 'invalid_request')
      await problem(await createUpload(api, 'half.bin', 1.5), 400, 'invalid_request')
      await problem(await createUpload(api, '', 10), 400, 'invalid_request')
      await problem(await api.request('POST', '/api/v1/uploads', { json: { size: 10 } }), 400, 'invalid_request')
      await problem(await createUpload(api, 'typed.bin', 10, 'not a type'), 400, 'invalid_request')
      await problem(await createUpload(api, 'huge.bin', 64 * MIB + 1), 413, 'payload_too_large')
      await problem(await api.request('GET', '/api/v1/uploads/nosuchupload'), 404, 'not_found')
    })

    it('answers complete with parts missing 409 upload_incomplete naming them, and stores nothing', async () => {
      const data = bytes(3 * PART, 12)
      const upload = await (await createUpload(api, 'partial.bin', data.length)).json()
      expect((await putPart(api, upload.id, 2, slice(data, upload, 2))).status).toBe(200)
      const refused = await problem(await api.request('POST', `/api/v1/uploads/${upload.id}/complete`), 409, 'upload_incomplete')
      expect(refused.missing).toEqual([1, 3])
      const files = await api.json('GET', '/api/v1/files?limit=100')
      expect(files.items.some((f: { name: string }) => f.name === 'partial.bin')).toBe(false)
      // Still there to finish.
      expect((await api.json('GET', `/api/v1/uploads/${upload.id}`)).received).toEqual([2])
      for (const n of [3, 1]) expect((await putPart(api, upload.id, n, slice(data, upload, n))).status).toBe(200)
      expect((await api.json('POST', `/api/v1/uploads/${upload.id}/complete`, {}, 201)).sha256).toBe(sha256(data))
    })

    it('aborts: 204, then 404 everywhere, and storage holds nothing of it', async () => {
      const before = await target.pendingMultipart()
      const upload = await (await createUpload(api, 'aborted.bin', 2 * PART)).json()
      expect((await putPart(api, upload.id, 1, bytes(PART))).status).toBe(200)
      const pending = (await target.pendingMultipart()).filter((id) => !before.includes(id))
      expect(pending).toHaveLength(1)
      expect((await api.request('DELETE', `/api/v1/uploads/${upload.id}`)).status).toBe(204)
      await problem(await api.request('GET', `/api/v1/uploads/${upload.id}`), 404, 'not_found')
      await problem(await api.request('DELETE', `/api/v1/uploads/${upload.id}`), 404, 'not_found')
      await problem(await putPart(api, upload.id, 2, bytes(PART)), 404, 'not_found')
      await problem(await api.request('POST', `/api/v1/uploads/${upload.id}/complete`), 404, 'not_found')
      expect(await target.pendingMultipart()).not.toContain(pending[0])
    })

    it('bounds the uploads one owner has in flight: past MAX_UPLOADS_IN_FLIGHT is 409 conflict', async () => {
      const owner = await api.createKey('user', 'busy')
      const held = []
      for (let i = 0; i < 20; i++) held.push(await (await createUpload(owner, `held-${i}.bin`, 10)).json())
      await problem(await createUpload(owner, 'one-more.bin', 10), 409, 'conflict')
      // Others are not held back by it.
      expect((await createUpload(api, 'admin.bin', 10)).status).toBe(201)
      expect((await owner.request('DELETE', `/api/v1/uploads/${held[0].id}`)).status).toBe(204)
      expect((await createUpload(owner, 'one-more.bin', 10)).status).toBe(201)
    })

    it("keeps each owner's uploads to itself (404 for others)", async () => {
      const alice = await api.createKey('user', 'alice')
      const bob = await api.createKey('user', 'bob')
      const upload = await (await createUpload(alice, 'alice.bin', PART + 1)).json()
      await problem(await bob.request('GET', `/api/v1/uploads/${upload.id}`), 404, 'not_found')
      await problem(await putPart(bob, upload.id, 1, bytes(PART)), 404, 'not_found')
      await problem(await bob.request('POST', `/api/v1/uploads/${upload.id}/complete`), 404, 'not_found')
      await problem(await bob.request('DELETE', `/api/v1/uploads/${upload.id}`), 404, 'not_found')
      expect((await api.json('GET', `/api/v1/uploads/${upload.id}`)).id).toBe(upload.id)
      expect((await alice.request('DELETE', `/api/v1/uploads/${upload.id}`)).status).toBe(204)
    })

    it('resumes after the uploading process is killed mid-part, sending only the missing parts', async () => {
      const dir = scratchDir('resume')
      const counter = new UpstreamCounter(new URL(target.baseUrl))
      await counter.start()
      try {
        const data = bytes(3 * PART + 4321, 31)
        const path = join(dir, 'resumed.bin')
        writeFileSync(path, data)
        const state = join(dir, 'upload-id')
        const run = (pace: number) => {
          const child = spawn(
            process.execPath,
            [
              '--import',
              'tsx',
              join(ROOT, 'test/support/chunked-uploader.ts'),
              counter.baseUrl,
              target.adminKey,
              path,
              state,
              String(pace),
            ],
            {
              cwd: ROOT,
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          )
          const events: Record<string, any>[] = []
          let stderr = ''
          child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text))
          let buffered = ''
          const listeners: ((event: Record<string, any>) => void)[] = []
          child.stdout!.setEncoding('utf8').on('data', (text: string) => {
            buffered += text
            for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
              const event = JSON.parse(buffered.slice(0, end))
              buffered = buffered.slice(end + 1)
              events.push(event)
              for (const listener of listeners) listener(event)
            }
          })
          const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
          return {
            child,
            events,
            exited,
            stderr: () => stderr,
            on: (listener: (event: Record<string, any>) => void) => listeners.push(listener),
          }
        }

        // First run: paced, killed once part 2 is half sent.
        const first = run(10)
        await new Promise<void>((resolve, reject) => {
          first.on((event) => {
            if (event.event === 'progress' && event.part === 2 && event.partWritten >= PART / 2) {
              first.child.kill('SIGKILL')
              resolve()
            }
          })
          void first.exited.then(() => reject(new Error(`the uploader ended before it was killed: ${first.stderr()}`)))
        })
        await first.exited
        const id = first.events.find((event) => event.event === 'created')!.id
        expect((await api.json('GET', `/api/v1/uploads/${id}`)).received).toEqual([1])

        // Second run: asks what is there and sends parts 2, 3 and 4 only.
        counter.bytes = 0
        const second = run(0)
        expect(await second.exited, second.stderr()).toBe(0)
        expect(second.events[0]).toMatchObject({ event: 'resumed', id, received: [1] })
        const done = second.events.find((event) => event.event === 'done')!
        const missing = data.length - PART
        expect(done.written).toBe(missing)
        // On the wire: those bodies and a few requests' headers, nothing of part 1.
        expect(counter.bytes).toBeGreaterThanOrEqual(missing)
        expect(counter.bytes).toBeLessThan(missing + 16 * 1024)
        expect(done.file).toMatchObject({ name: 'resumed.bin', size: data.length, sha256: sha256(data) })
      } finally {
        await counter.stop()
        removeScratch(dir)
      }
    })
  })

  describe('upload requests', () => {
    async function newRequest(owner: Api, body: Record<string, unknown> = {}) {
      return owner.json('POST', '/api/v1/upload-requests', { json: { expiresIn: '1h', ...body } }, 201)
    }

    it('creates a request with the documented shape, its token and page; lists it without them', async () => {
      const owner = await api.createKey('user', 'requester')
      const response = await owner.request('POST', '/api/v1/upload-requests', {
        json: { expiresIn: '2h', maxFiles: 3, maxBytes: 10 * MIB, message: 'Send the <signed> forms, please.' },
      })
      expect(response.status).toBe(201)
      const request = await response.json()
      expect(response.headers.get('location')).toBe(`/api/v1/upload-requests/${request.id}`)
      expect(Object.keys(request).sort()).toEqual(
        [
          'bytes',
          'createdAt',
          'expiresAt',
          'files',
          'id',
          'maxBytes',
          'maxFiles',
          'message',
          'pendingBytes',
          'pendingFiles',
          'revokedAt',
          'status',
          'token',
          'url',
        ].sort(),
      )
      expect(request).toMatchObject({
        maxFiles: 3,
        maxBytes: 10 * MIB,
        files: 0,
        bytes: 0,
        status: 'open',
        revokedAt: null,
        message: 'Send the <signed> forms, please.',
      })
      expect(request.url).toBe(`${target.baseUrl}/u/${request.token}`)
      expect(Date.parse(request.expiresAt) - Date.parse(request.createdAt)).toBe(7200_000)
      const header = JSON.parse(Buffer.from(request.token.split('.')[0], 'base64url').toString())
      expect(header.typ).toBe('fuselink-upload+jwt')

      const defaults = await newRequest(owner)
      expect(defaults).toMatchObject({ maxFiles: 10, maxBytes: 64 * MIB, message: null })

      const list = await owner.json('GET', '/api/v1/upload-requests')
      // Newest first; both were made within the same second (createdAt is whole seconds, as the token's iat), so either order.
      expect(list.items.map((r: { id: string }) => r.id).sort()).toEqual([defaults.id, request.id].sort())
      expect(list.items.map((r: { token?: string; url?: string }) => r.token ?? r.url)).toEqual([undefined, undefined])
      expect((await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).token).toBe(request.token)
      const other = await api.createKey('user', 'stranger')
      await problem(await other.request('GET', `/api/v1/upload-requests/${request.id}`), 404, 'not_found')
      await problem(await other.request('DELETE', `/api/v1/upload-requests/${request.id}`), 404, 'not_found')
      expect((await other.json('GET', '/api/v1/upload-requests')).items).toEqual([])

      for (const bad of [
        { expiresIn: 'soon' },
        { expiresIn: '1h', maxFiles: 0 },
        { expiresIn: '1h', maxBytes: 0 },
        { expiresIn: '1h', message: 'x'.repeat(501) },
        { expiresIn: 10 ** 9 },
      ]) {
        await problem(await owner.request('POST', '/api/v1/upload-requests', { json: bad }), 400, 'invalid_request')
      }
    })

    it('shows its page with the message (escaped) and limits, and a closed one answers 410 saying why', async () => {
      const owner = await api.createKey('user', 'pager')
      const request = await newRequest(owner, { maxFiles: 4, maxBytes: 20 * MIB, message: 'Please send <b>the</b> photos' })
      const page = await fetch(request.url, { headers: { accept: 'text/html' } })
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('Please send &lt;b&gt;the&lt;/b&gt; photos')
      expect(html).toContain('up to 4 more')
      expect(html).toMatch(/<script src="\/assets\/upload-request\.[0-9a-f]{10}\.js" defer><\/script>/)
      expect(page.headers.get('x-robots-tag')).toContain('noindex')
      const preview = await (
        await fetch(request.url, { headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' } })
      ).text()
      expect(preview).not.toContain('photos')

      expect((await owner.request('DELETE', `/api/v1/upload-requests/${request.id}`)).status).toBe(204)
      expect((await owner.request('DELETE', `/api/v1/upload-requests/${request.id}`)).status).toBe(204)
      expect(await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).toMatchObject({ status: 'revoked' })
      const closed = await fetch(request.url, { headers: { accept: 'text/html' } })
      expect(closed.status).toBe(410)
      expect(await closed.text()).toContain('has closed it')
      await problem(await fetch(request.url), 410, 'upload_request_closed')
      await problem(await createUpload(new Api(target, request.token), 'late.bin', 10), 410, 'upload_request_closed')
    })

    it('takes files through its token, in parts and in one request; they are the owner’s and carry uploadRequestId', async () => {
      const owner = await api.createKey('user', 'receiver')
      const request = await newRequest(owner, { maxFiles: 5, maxBytes: 40 * MIB })
      const guest = new Api(target, request.token)
      const big = bytes(2 * PART + 99, 41)
      const { file: inParts } = await uploadInParts(guest, 'scan.pdf', big)
      expect(inParts).toMatchObject({ name: 'scan.pdf', size: big.length, sha256: sha256(big), uploadRequestId: request.id })
      const small = bytes(1000, 42)
      const oneRequest = await guest.upload('note.txt', small, 'text/plain')
      expect(oneRequest).toMatchObject({ name: 'note.txt', size: 1000, sha256: sha256(small), uploadRequestId: request.id })
      const form = new FormData()
      form.append('file', new Blob([small], { type: 'image/png' }), 'photo.png')
      const viaForm = await guest.json('POST', '/api/v1/files', { body: form }, 201)
      expect(viaForm).toMatchObject({ name: 'photo.png', size: 1000, uploadRequestId: request.id })

      const mine = await owner.json('GET', '/api/v1/files')
      expect(mine.items.map((f: { id: string }) => f.id)).toEqual([viaForm.id, oneRequest.id, inParts.id])
      expect(await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).toMatchObject({
        files: 3,
        bytes: big.length + 2000,
        pendingFiles: 0,
        pendingBytes: 0,
        status: 'open',
      })
      // The owner can share what arrived.
      const link = await owner.issue(inParts.id)
      expect(sha256(new Uint8Array(await (await fetch(link.downloadUrl)).arrayBuffer()))).toBe(sha256(big))

      // A one-request upload through a request must say its length.
      await problem(await guest.request('POST', '/api/v1/files?name=x.bin', { body: streamed(small) }), 400, 'invalid_request')
    })

    it('accepts its token on the upload routes and POST /api/v1/files only, and no other credential passes for it', async () => {
      const owner = await api.createKey('user', 'guarded')
      const request = await newRequest(owner)
      const guest = new Api(target, request.token)
      const ownFile = await owner.upload('own.txt', 'mine')
      const ownUpload = await (await createUpload(owner, 'own-upload.bin', PART + 1)).json()

      for (const [method, path] of [
        ['GET', '/api/v1/files'],
        ['GET', `/api/v1/files/${ownFile.id}`],
        ['DELETE', `/api/v1/files/${ownFile.id}`],
        ['POST', '/api/v1/files/import'],
        ['GET', '/api/v1/links'],
        ['POST', '/api/v1/links'],
        ['GET', '/api/v1/upload-requests'],
        ['POST', '/api/v1/upload-requests'],
        ['GET', `/api/v1/upload-requests/${request.id}`],
        ['DELETE', `/api/v1/upload-requests/${request.id}`],
        ['POST', '/api/v1/keys'],
        ['GET', '/api/v1/keys'],
        ['GET', '/api/v1/me'],
        ['GET', '/api/v1/users'],
        ['DELETE', '/api/v1/sessions/current'],
      ]) {
        await problem(await guest.request(method!, path!, method === 'GET' ? {} : { json: {} }), 401, 'unauthorized')
      }
      // The owner's own uploads are not the request's.
      await problem(await guest.request('GET', `/api/v1/uploads/${ownUpload.id}`), 404, 'not_found')
      await problem(await guest.request('DELETE', `/api/v1/uploads/${ownUpload.id}`), 404, 'not_found')
      await problem(await putPart(guest, ownUpload.id, 1, bytes(PART)), 404, 'not_found')
      // Nor those of another request of the same owner.
      const sibling = new Api(target, (await newRequest(owner)).token)
      const siblings = await (await createUpload(sibling, 'sibling.bin', 10)).json()
      await problem(await guest.request('GET', `/api/v1/uploads/${siblings.id}`), 404, 'not_found')

      // A download token is not a credential, and a request token is not a download token.
      const link = await owner.issue(ownFile.id)
      await problem(
        await new Api(target, link.token).request('POST', '/api/v1/uploads', { json: { name: 'x', size: 1 } }),
        401,
        'unauthorized',
      )
      await problem(await new Api(target, link.token).request('POST', '/api/v1/files?name=x', { body: 'x' }), 401, 'unauthorized')
      await problem(await fetch(`${target.baseUrl}/d/${request.token}`), 403, 'invalid_token')
      await problem(await fetch(`${target.baseUrl}/s/${request.token}`), 403, 'invalid_token')
      await problem(await fetch(`${target.baseUrl}/u/${link.token}`), 403, 'invalid_token')
      await problem(await fetch(`${target.baseUrl}/u/${target.adminKey}`), 403, 'invalid_token')
      // A tampered request token is nobody.
      const [head, payload, signature] = request.token.split('.')
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), jti: ownFile.id })).toString(
        'base64url',
      )
      await problem(
        await new Api(target, `${head}.${forged}.${signature}`).request('POST', '/api/v1/uploads', { json: { name: 'x', size: 1 } }),
        401,
        'unauthorized',
      )
    })

    it('refuses a file past maxBytes (413) or maxFiles (410) before storing it, and gives back the place of an aborted upload', async () => {
      const owner = await api.createKey('user', 'limits')
      const request = await newRequest(owner, { maxFiles: 2, maxBytes: 8 * MIB })
      const guest = new Api(target, request.token)
      await problem(await createUpload(guest, 'too-big.bin', 8 * MIB + 1), 413, 'payload_too_large')
      await problem(await guest.request('POST', '/api/v1/files?name=too-big.bin', { body: bytes(8 * MIB + 1) }), 413, 'payload_too_large')

      const first = await (await createUpload(guest, 'first.bin', 6 * MIB)).json()
      expect(await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).toMatchObject({
        pendingFiles: 1,
        pendingBytes: 6 * MIB,
        files: 0,
      })
      // 2 MiB left while the first one holds its place.
      await problem(await createUpload(guest, 'second.bin', 2 * MIB + 1), 413, 'payload_too_large')
      // Uploads under way holding every place: the page stays open, so that their senders can resume after a reload.
      const second = await (await createUpload(guest, 'second.bin', 2 * MIB)).json()
      const held = await fetch(request.url, { headers: { accept: 'text/html' } })
      expect(held.status).toBe(200)
      expect(await held.text()).toContain('<dd class="status" id="files-left">none beyond those being sent</dd>')
      await problem(await createUpload(guest, 'third.bin', 1), 410, 'upload_request_closed')
      expect((await guest.request('DELETE', `/api/v1/uploads/${second.id}`)).status).toBe(204)
      expect((await guest.request('DELETE', `/api/v1/uploads/${first.id}`)).status).toBe(204)
      expect(await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).toMatchObject({ pendingFiles: 0, pendingBytes: 0 })

      await guest.upload('a.bin', bytes(10))
      await guest.upload('b.bin', bytes(10))
      expect(await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).toMatchObject({ files: 2, bytes: 20, status: 'full' })
      const refused = await problem(await createUpload(guest, 'c.bin', 10), 410, 'upload_request_closed')
      expect(refused.requestStatus).toBe('full')
      await problem(await guest.request('POST', '/api/v1/files?name=c.bin', { body: bytes(10) }), 410, 'upload_request_closed')
      const page = await fetch(request.url, { headers: { accept: 'text/html' } })
      expect(page.status).toBe(410)
      expect(await page.text()).toContain('received all the files')
      expect((await owner.json('GET', '/api/v1/files')).items).toHaveLength(2)
    })

    it('gives exactly one of 100 simultaneous uploads the last place of a request', async () => {
      const owner = await api.createKey('user', 'racer')
      const request = await newRequest(owner, { maxFiles: 3 })
      const guest = new Api(target, request.token)
      await guest.upload('one.bin', bytes(10))
      await guest.upload('two.bin', bytes(10))
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => createOnNewConnection(target, request.token, `racer-${i}.bin`, PART + 1)),
      )
      const statuses = answers.map((r) => r.status)
      expect(statuses.filter((s) => s === 201)).toHaveLength(1)
      expect(statuses.filter((s) => s === 410)).toHaveLength(99)
      const winner = JSON.parse(answers[statuses.indexOf(201)]!.text)
      expect(await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).toMatchObject({ files: 2, pendingFiles: 1 })
      // The same for bytes: one place left of 12 bytes, 100 files of 10.
      const bytesRequest = await newRequest(owner, { maxFiles: 1000, maxBytes: 12 })
      const byBytes = await Promise.all(
        Array.from({ length: 100 }, (_, i) => createOnNewConnection(target, bytesRequest.token, `b-${i}.bin`, 10)),
      )
      expect(byBytes.filter((r) => r.status !== 201 && r.status !== 413).map((r) => r.text)).toEqual([])
      expect(byBytes.filter((r) => r.status === 201)).toHaveLength(1)
      expect(byBytes.filter((r) => r.status === 413)).toHaveLength(99)
      for (const n of [1, 2]) expect((await putPart(guest, winner.id, n, bytes(n === 1 ? PART : 1))).status).toBe(200)
      await guest.json('POST', `/api/v1/uploads/${winner.id}/complete`, {}, 201)
      expect(await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).toMatchObject({ files: 3, status: 'full', pendingFiles: 0 })
    })
  })

  describe('expiry, cleanup and bounds', () => {
    let short: ServiceTarget
    let admin: Api

    beforeAll(async () => {
      short = await kind.start({
        env: { RATE_LIMIT: '0', UPLOAD_PART_SIZE: String(PART), UPLOAD_TTL: '1', SWEEP_INTERVAL: '4', UPLOAD_REQUEST_RATE: '3' },
      })
      admin = new Api(short)
    })
    afterAll(async () => {
      await short?.stop()
    })

    /**
     * Lets one sweep run and returns right after it: the Worker's cron is
     * run here, as its schedule would; the Node entry's timer (every
     * SWEEP_INTERVAL) is waited for, and known to have run when an upload
     * that expired meanwhile is gone. The next timed sweep is then a whole
     * interval away.
     */
    async function sweepNow(): Promise<void> {
      if ('scheduled' in short) {
        await (short as { scheduled(time?: number): Promise<void> }).scheduled(Date.now())
        return
      }
      const marker = await (await createUpload(admin, 'marker.bin', 1)).json()
      for (let i = 0; i < 100; i++) {
        if ((await admin.request('GET', `/api/v1/uploads/${marker.id}`)).status === 404) return
        await sleep(100)
      }
      throw new Error('no sweep ran within 10 s')
    }

    it('answers an upload past its time 410 upload_expired; the sweep removes its parts, and then it is 404', async () => {
      const owner = await admin.createKey('user', 'slow')
      const request = await owner.json('POST', '/api/v1/upload-requests', { json: { expiresIn: '1h', maxFiles: 1 } }, 201)
      const guest = new Api(short, request.token)
      await sweepNow()
      const before = await short.pendingMultipart()
      const upload = await (await createUpload(guest, 'late.bin', PART + 10)).json()
      expect((await putPart(guest, upload.id, 2, bytes(10))).status).toBe(200)
      const pending = (await short.pendingMultipart()).filter((id) => !before.includes(id))
      expect(pending).toHaveLength(1)
      await sleep(Math.max(0, Date.parse(upload.expiresAt) - Date.now()) + 50)
      await problem(await guest.request('GET', `/api/v1/uploads/${upload.id}`), 410, 'upload_expired')
      await problem(await putPart(guest, upload.id, 1, bytes(PART)), 410, 'upload_expired')
      await problem(await guest.request('POST', `/api/v1/uploads/${upload.id}/complete`), 410, 'upload_expired')
      await problem(await guest.request('DELETE', `/api/v1/uploads/${upload.id}`), 410, 'upload_expired')
      await sweepNow()
      await problem(await guest.request('GET', `/api/v1/uploads/${upload.id}`), 404, 'not_found')
      expect(await short.pendingMultipart()).not.toContain(pending[0])
      // Its place in the request is free again.
      expect(await owner.json('GET', `/api/v1/upload-requests/${request.id}`)).toMatchObject({ pendingFiles: 0, files: 0, status: 'open' })
    })

    it('removes the uploads under way through a request once it is closed', async () => {
      const request = await admin.json('POST', '/api/v1/upload-requests', { json: { expiresIn: '1h' } }, 201)
      const guest = new Api(short, request.token)
      await sweepNow()
      const upload = await (await createUpload(guest, 'doomed.bin', PART + 10)).json()
      expect((await putPart(guest, upload.id, 2, bytes(10))).status).toBe(200)
      expect((await admin.request('DELETE', `/api/v1/upload-requests/${request.id}`)).status).toBe(204)
      await problem(await putPart(guest, upload.id, 1, bytes(PART)), 410, 'upload_request_closed')
      await sweepNow()
      await problem(await admin.request('GET', `/api/v1/uploads/${upload.id}`), 404, 'not_found')
    })

    it('limits the uploads one address starts through upload requests (429), not those made with a key', async () => {
      const request = await admin.json('POST', '/api/v1/upload-requests', { json: { expiresIn: '1h', maxFiles: 100 } }, 201)
      const guest = new Api(short, request.token)
      // UPLOAD_REQUEST_RATE is 3 a minute per address (other tests here may have used some).
      const statuses: number[] = []
      for (let i = 0; i < 4 && !statuses.includes(429); i++) {
        statuses.push((await guest.request('POST', `/api/v1/files?name=r${i}.bin`, { body: bytes(10) })).status)
      }
      expect(statuses.filter((status) => status === 201).length).toBeLessThanOrEqual(3)
      expect(statuses.at(-1)).toBe(429)
      await problem(await createUpload(guest, 'more.bin', 10), 429, 'rate_limited')
      expect((await admin.upload('mine.bin', bytes(10))).size).toBe(10)
    })
  })
}
