import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api, bytes } from '../support/api'
import type { ServiceTarget, TargetKind } from '../support/target'
import { eventually, verifyStandardWebhook, WebhookReceiver } from '../support/webhook-receiver'

const tokenOf = (url: string) => new URL(url).pathname.split('/').pop()!
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Changing links (PATCH), unlimited links, audit events and signed webhooks
 * (docs/api.md, docs/counting.md, docs/webhooks.md), run unchanged on every
 * runtime and store. Webhooks go to a real HTTP server on loopback, which
 * WEBHOOK_ALLOWED_HOSTS=loopback allows; their signatures are checked by a
 * verifier written from the Standard Webhooks specification, not fuselink's.
 */
export function defineLinkOpsSuite(kind: TargetKind) {
  let target: ServiceTarget
  let api: Api
  const receiver = new WebhookReceiver()

  const problem = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status)
    expect(await response.json()).toMatchObject({ status, code })
  }
  /** A whole download of a link's file: the status and the bytes that came. */
  const fetchAll = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers })
    return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) }
  }
  const events = async (linkId: string) => (await api.json('GET', `/api/v1/links/${linkId}/events?limit=100`)).items as any[]
  const ofType = (list: any[], type: string) => list.filter((event) => event.type === type)

  beforeAll(async () => {
    await receiver.start()
    target = await kind.start({
      env: { RATE_LIMIT: '0', RESUME_GRACE: '3600', WEBHOOK_ALLOWED_HOSTS: 'loopback', MAX_UPLOAD_BYTES: String(32 * 1024 * 1024) },
    })
    api = new Api(target)
  })
  afterAll(async () => {
    await target?.stop()
    await receiver.stop()
  })

  describe(`unlimited links on ${kind.name}`, () => {
    it('shows null limits, counts every download, and refuses none for count or bytes', async () => {
      const data = bytes(3000, 7)
      const file = await api.upload('many.bin', data)
      const link = await api.issue(file.id, { maxDownloads: null })
      expect(link).toMatchObject({ maxDownloads: null, remaining: null, downloads: 0, status: 'active' })
      for (let i = 0; i < 6; i++) {
        const got = await fetchAll(link.downloadUrl)
        expect(got.status).toBe(200)
        expect(got.body).toEqual(data)
      }
      // A resume of the last download, then a ranged fresh one: no budget stands in the way.
      expect((await fetchAll(link.downloadUrl, { range: 'bytes=1000-' })).status).toBe(206)
      const after = await api.link(link.id)
      expect(after).toMatchObject({ maxDownloads: null, remaining: null, status: 'active' })
      expect(after.downloads).toBeGreaterThanOrEqual(6)
      expect(after.downloads).toBeLessThanOrEqual(7)
      const listed = (await api.json('GET', `/api/v1/links?fileId=${file.id}`)).items[0]
      expect(listed).toMatchObject({ id: link.id, maxDownloads: null, remaining: null })
    })

    it('still needs an expiry, and bounds a limit to 1..1,000,000', async () => {
      const file = await api.upload('bounds.bin', 'x')
      await problem(await api.request('POST', '/api/v1/links', { json: { fileId: file.id, maxDownloads: null } }), 400, 'invalid_request')
      await problem(
        await api.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60, maxDownloads: 1_000_001 } }),
        400,
        'invalid_request',
      )
      await problem(
        await api.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60, maxDownloads: 0 } }),
        400,
        'invalid_request',
      )
      expect(await api.issue(file.id, { maxDownloads: 1_000_000 })).toMatchObject({ maxDownloads: 1_000_000, remaining: 1_000_000 })
    })

    it('still ends with revocation', async () => {
      const file = await api.upload('revoked.bin', 'y')
      const link = await api.issue(file.id, { maxDownloads: null })
      expect((await api.request('DELETE', `/api/v1/links/${link.id}`)).status).toBe(204)
      await problem(await fetch(link.downloadUrl), 410, 'link_revoked')
    })
  })

  describe(`changing a link (PATCH) on ${kind.name}`, () => {
    const patch = (id: string, json: unknown, expected = 200) => api.json('PATCH', `/api/v1/links/${id}`, { json }, expected)

    it('lowers and raises the limit in place, never below the downloads counted', async () => {
      const file = await api.upload('limit.bin', 'limit')
      const link = await api.issue(file.id, { maxDownloads: 3 })
      expect((await fetchAll(link.downloadUrl)).status).toBe(200)
      const lowered = await patch(link.id, { maxDownloads: 1 })
      expect(lowered).toMatchObject({ maxDownloads: 1, remaining: 0, downloads: 1, status: 'exhausted', reissued: false })
      // The same token: the database's limit rules, not the one the token was issued with.
      expect(lowered.token).toBe(link.token)
      await problem(await fetch(link.downloadUrl), 410, 'download_limit_reached')
      await problem(await api.request('PATCH', `/api/v1/links/${link.id}`, { json: { maxDownloads: 0 } }), 400, 'invalid_request')
      const raised = await patch(link.id, { maxDownloads: 2 })
      expect(raised).toMatchObject({ maxDownloads: 2, remaining: 1, status: 'active', reissued: false })
      expect((await fetchAll(link.downloadUrl)).status).toBe(200)
      await problem(await fetch(link.downloadUrl), 410, 'download_limit_reached')
      expect(await patch(link.id, { maxDownloads: null })).toMatchObject({ maxDownloads: null, remaining: null, status: 'active' })
      expect((await fetchAll(link.downloadUrl)).status).toBe(200)
      // Back to a limit: not below the three counted.
      await problem(await api.request('PATCH', `/api/v1/links/${link.id}`, { json: { maxDownloads: 2 } }), 400, 'invalid_request')
      expect(await patch(link.id, { maxDownloads: 3 })).toMatchObject({ maxDownloads: 3, remaining: 0, status: 'exhausted' })
    })

    it('changes the filename and the note; null removes them', async () => {
      const file = await api.upload('original.txt', 'named')
      const link = await api.issue(file.id)
      const changed = await patch(link.id, { filename: 'renamed.txt', note: 'for the auditors' })
      expect(changed).toMatchObject({ filename: 'renamed.txt', note: 'for the auditors', reissued: false })
      const response = await fetch(link.downloadUrl)
      expect(response.headers.get('content-disposition')).toContain('renamed.txt')
      await response.arrayBuffer()
      const cleared = await patch(link.id, { filename: null, note: null })
      expect(cleared).not.toHaveProperty('filename')
      expect(cleared).not.toHaveProperty('note')
      // The note is the owner's: the recipient's page never shows it.
      await patch(link.id, { note: 'secret words' })
      expect(await (await fetch(link.url, { headers: { accept: 'text/html' } })).text()).not.toContain('secret words')
    })

    it('makes the expiry earlier in place: the database narrows what the token grants', async () => {
      const file = await api.upload('sooner.bin', 'sooner')
      const link = await api.issue(file.id, { expiresIn: 3600 })
      const changed = await patch(link.id, { expiresIn: 2 })
      expect(changed.reissued).toBe(false)
      expect(changed.token).toBe(link.token)
      expect(Date.parse(changed.expiresAt)).toBeLessThan(Date.parse(link.expiresAt))
      expect((await fetchAll(link.downloadUrl)).status).toBe(200)
      await sleep(Date.parse(changed.expiresAt) - Date.now() + 1200)
      await problem(await fetch(link.downloadUrl), 410, 'link_expired')
      expect((await api.link(link.id)).status).toBe('expired')
    })

    it('reissues for a later expiry: the old URL keeps its own, both count against one limit', async () => {
      const file = await api.upload('later.bin', 'later')
      const link = await api.issue(file.id, { expiresIn: 3, maxDownloads: 3 })
      const oldExp = decodeJwt(link.token).exp!
      const changed = await patch(link.id, { expiresIn: '1h' })
      expect(changed).toMatchObject({ reissued: true, id: link.id, maxDownloads: 3 })
      expect(changed.token).not.toBe(link.token)
      expect(changed.url).not.toBe(link.url)
      expect(changed.downloadUrl).toContain(tokenOf(changed.url))
      const claims = decodeJwt(changed.token)
      expect(claims.jti).toBe(link.id)
      expect(claims.exp! - oldExp).toBeGreaterThan(3000)
      expect(Date.parse(changed.expiresAt)).toBe(claims.exp! * 1000)
      // From now on the link shows its new token.
      expect((await api.link(link.id)).token).toBe(changed.token)

      expect((await fetchAll(link.downloadUrl)).status).toBe(200)
      expect((await fetchAll(changed.downloadUrl)).status).toBe(200)
      expect(await api.link(link.id)).toMatchObject({ downloads: 2, remaining: 1 })
      // Past the old token's expiry the old URL is refused; the new one still works.
      await sleep(oldExp * 1000 - Date.now() + 1200)
      await problem(await fetch(link.downloadUrl), 410, 'link_expired')
      expect((await fetchAll(changed.downloadUrl)).status).toBe(200)
      await problem(await fetch(changed.downloadUrl), 410, 'download_limit_reached')
      expect(await api.link(link.id)).toMatchObject({ downloads: 3, remaining: 0, status: 'exhausted' })
    })

    it('refuses what it cannot do, and other owners', async () => {
      const file = await api.upload('refusals.bin', 'r')
      const link = await api.issue(file.id)
      await problem(await api.request('PATCH', `/api/v1/links/${link.id}`, { json: { expiresIn: 'soon' } }), 400, 'invalid_request')
      await problem(await api.request('PATCH', `/api/v1/links/${link.id}`, { json: { expiresIn: 10 ** 9 } }), 400, 'invalid_request')
      await problem(await api.request('PATCH', `/api/v1/links/${link.id}`, { json: { maxDownloads: 1_000_001 } }), 400, 'invalid_request')
      const other = await api.createKey('user', 'patch-other')
      await problem(await other.request('PATCH', `/api/v1/links/${link.id}`, { json: { maxDownloads: 9 } }), 404, 'not_found')
      await problem(await api.request('PATCH', '/api/v1/links/nosuchlink0', { json: { maxDownloads: 9 } }), 404, 'not_found')
    })
  })

  describe(`audit events on ${kind.name}`, () => {
    it('records each action once, newest first, with a truncated address', async () => {
      const data = bytes(5000, 3)
      const file = await api.upload('events.bin', data)
      const link = await api.issue(file.id, { maxDownloads: 2 })
      const headers = { 'user-agent': 'events-test/1.0' }
      expect((await fetch(link.url, { headers: { ...headers, accept: 'text/html' } })).status).toBe(200)
      expect((await fetchAll(link.downloadUrl, { ...headers, range: 'bytes=0-999' })).status).toBe(206)
      expect((await fetchAll(link.downloadUrl, { ...headers, range: 'bytes=1000-' })).status).toBe(206)
      expect((await fetchAll(link.downloadUrl, headers)).status).toBe(200)
      await problem(await fetch(link.downloadUrl, { headers }), 410, 'download_limit_reached')
      expect((await api.request('DELETE', `/api/v1/links/${link.id}`)).status).toBe(204)
      expect((await api.request('DELETE', `/api/v1/links/${link.id}`)).status).toBe(204)

      const list = await eventually(
        async () => {
          const now = await events(link.id)
          return now.length >= 10 ? now : null
        },
        15_000,
        'the events',
      )
      const types = list.map((event) => event.type).sort()
      expect(types).toEqual(
        [
          'page_viewed',
          'download_started',
          'download_completed',
          'resumed',
          'download_completed',
          'download_started',
          'download_completed',
          'exhausted',
          'refused',
          'revoked',
        ].sort(),
      )
      const times = list.map((event) => Date.parse(event.at))
      expect([...times].sort((a, b) => b - a)).toEqual(times)
      expect(ofType(list, 'refused')[0]).toMatchObject({ code: 'download_limit_reached' })
      expect(
        ofType(list, 'download_completed')
          .map((event) => event.bytes)
          .sort((a, b) => a - b),
      ).toEqual([1000, 4000, 5000])
      const started = ofType(list, 'download_started')[0]
      expect(started.userAgent).toBe('events-test/1.0')
      // EVENT_ADDRESS defaults to `truncated`: an IPv4 client is kept as its /24.
      expect(started.address).toMatch(/^\d+\.\d+\.\d+\.0\/24$/)
      for (const event of list)
        expect(Object.keys(event).every((key) => ['id', 'type', 'at', 'code', 'bytes', 'address', 'userAgent'].includes(key))).toBe(true)
    })

    it('records a download cut by the client as cut, with the bytes that went out', async () => {
      const size = 24 * 1024 * 1024
      // Placed in storage and imported: the upload route is not what this test is about.
      await target.putObject('linkops/cut.bin', bytes(size, 9))
      const file = await api.json('POST', '/api/v1/files/import', { json: { key: 'linkops/cut.bin' } }, 201)
      const link = await api.issue(file.id, { maxDownloads: null })
      const controller = new AbortController()
      const response = await fetch(link.downloadUrl, { signal: controller.signal })
      const reader = response.body!.getReader()
      await reader.read()
      controller.abort()
      await reader.cancel().catch(() => {})
      const cut = await eventually(async () => ofType(await events(link.id), 'download_cut')[0], 30_000, 'the cut event')
      expect(cut.bytes).toBeGreaterThan(0)
      expect(cut.bytes).toBeLessThan(size)
    })

    it('records revoked for each link a key revoked when disabled, as a revoke by DELETE does', async () => {
      const issuerKey = await api.json('POST', '/api/v1/keys', { json: { name: 'revoked-issuer', role: 'user' } }, 201)
      const issuer = new Api(target, issuerKey.key)
      const file = await issuer.upload('issued.bin', 'issued')
      const issued = [await issuer.issue(file.id), await issuer.issue(file.id), await issuer.issue(file.id)]
      const byDelete = await api.issue((await api.upload('by-delete.bin', 'd')).id)
      const headers = { 'user-agent': 'revoker/2.0' }
      expect((await api.request('DELETE', `/api/v1/links/${byDelete.id}`, { headers })).status).toBe(204)
      expect((await api.request('DELETE', `/api/v1/keys/${issuerKey.id}?revokeLinks=true`, { headers })).status).toBe(204)
      // Asked again, nothing more is revoked and no second event is written.
      expect((await api.request('DELETE', `/api/v1/keys/${issuerKey.id}?revokeLinks=true`, { headers })).status).toBe(204)

      const [reference] = await eventually(async () => ofType(await events(byDelete.id), 'revoked'), 15_000, 'the DELETE revocation')
      const shape = (event: any) => ({ ...event, id: expect.any(String), at: expect.any(String) })
      for (const link of issued) {
        const revoked = await eventually(async () => ofType(await events(link.id), 'revoked'), 15_000, `${link.id} revoked`)
        expect(revoked).toHaveLength(1)
        expect(revoked[0]).toEqual(shape(reference))
        expect(revoked[0].userAgent).toBe('revoker/2.0')
        expect(Date.parse(revoked[0].at)).toBeGreaterThanOrEqual(Date.parse((await api.link(link.id)).revokedAt))
      }
      await sleep(500)
      for (const link of issued) expect(ofType(await events(link.id), 'revoked')).toHaveLength(1)
    })

    it('pages with the list shape, and refuses events of a link the caller cannot see', async () => {
      const file = await api.upload('pages.bin', 'p')
      const link = await api.issue(file.id)
      for (let i = 0; i < 3; i++) expect((await fetch(link.url, { headers: { accept: 'text/html' } })).status).toBe(200)
      await eventually(async () => (await events(link.id)).length === 3, 15_000, 'three page views')
      const first = await api.json('GET', `/api/v1/links/${link.id}/events?limit=2`)
      expect(first.items).toHaveLength(2)
      expect(typeof first.nextCursor).toBe('string')
      const second = await api.json('GET', `/api/v1/links/${link.id}/events?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)
      expect(second.items).toHaveLength(1)
      expect(second.nextCursor).toBeNull()
      const other = await api.createKey('user', 'events-other')
      await problem(await other.request('GET', `/api/v1/links/${link.id}/events`), 404, 'not_found')
    })
  })

  describe(`webhooks on ${kind.name}`, () => {
    it('refuses receivers WEBHOOK_ALLOWED_HOSTS does not allow, when subscribing', async () => {
      for (const url of [
        'http://10.0.0.7/hook',
        'http://192.168.1.1/hook',
        'http://8.8.8.8/hook',
        'http://169.254.169.254/latest',
        'ftp://127.0.0.1/x',
      ]) {
        await problem(await api.request('POST', '/api/v1/webhooks', { json: { url, events: ['webhook.test'] } }), 400, 'invalid_request')
      }
      await problem(
        await api.request('POST', '/api/v1/webhooks', { json: { url: receiver.url(), events: ['no.such.event'] } }),
        400,
        'invalid_request',
      )
    })

    it('delivers signed events a receiver can verify, and lists and removes webhooks', async () => {
      const owner = await api.createKey('user', 'hooks-owner')
      const created = await owner.json(
        'POST',
        '/api/v1/webhooks',
        { json: { url: receiver.url('/signed'), events: ['download.completed', 'link.exhausted', 'webhook.test'] } },
        201,
      )
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
      expect(Buffer.from(created.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24)
      const listed = await owner.json('GET', '/api/v1/webhooks')
      expect(listed.items).toEqual([{ id: created.id, url: created.url, events: created.events, createdAt: created.createdAt }])

      const data = bytes(2048, 5)
      const file = await owner.upload('hooked.bin', data)
      const link = await owner.issue(file.id, { maxDownloads: 1 })
      expect((await fetchAll(link.downloadUrl)).status).toBe(200)
      const about = (type: string) => () => receiver.received.find((r) => r.body.includes(link.id) && JSON.parse(r.body).type === type)
      const completed = await eventually(about('download.completed'), 20_000, 'download.completed')
      const exhausted = await eventually(about('link.exhausted'), 20_000, 'link.exhausted')
      for (const delivery of [completed, exhausted]) {
        expect(verifyStandardWebhook(created.secret, delivery)).toBe(true)
        expect(verifyStandardWebhook(`whsec_${Buffer.from('another secret entirely!').toString('base64')}`, delivery)).toBe(false)
        expect(delivery.headers['webhook-id']).toMatch(/\S/)
        expect(delivery.headers['webhook-timestamp']).toMatch(/^\d{10}$/)
        const body = JSON.parse(delivery.body)
        expect(Object.keys(body).sort()).toEqual(['data', 'timestamp', 'type'])
        expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp)
      }
      expect(JSON.parse(completed.body).data).toEqual({ linkId: link.id, fileId: file.id, bytes: 2048, downloads: 1, remaining: 0 })
      expect(JSON.parse(exhausted.body).data).toMatchObject({ linkId: link.id, fileId: file.id })

      // webhook.test goes out now; the deliveries list shows all three as delivered.
      expect((await owner.request('POST', `/api/v1/webhooks/${created.id}/test`)).status).toBe(202)
      const test = await eventually(
        () => receiver.received.find((r) => r.body.includes('"webhook.test"') && verifyStandardWebhook(created.secret, r)),
        20_000,
        'webhook.test',
      )
      expect(JSON.parse(test.body).type).toBe('webhook.test')
      const deliveries = await eventually(
        async () => {
          const page = await owner.json('GET', `/api/v1/webhooks/${created.id}/deliveries`)
          return page.items.length === 3 && page.items.every((d: any) => d.status === 'delivered') && page.items
        },
        20_000,
        'three delivered',
      )
      expect(deliveries.map((d: any) => d.event).sort()).toEqual(['download.completed', 'link.exhausted', 'webhook.test'])
      expect(deliveries[0]).toMatchObject({ attempts: 1, lastError: null })
      expect(deliveries[0].lastStatus).toBe(204)

      // Another owner sees none of it.
      const stranger = await api.createKey('user', 'hooks-stranger')
      expect((await stranger.json('GET', '/api/v1/webhooks')).items).toEqual([])
      await problem(await stranger.request('GET', `/api/v1/webhooks/${created.id}/deliveries`), 404, 'not_found')
      await problem(await stranger.request('DELETE', `/api/v1/webhooks/${created.id}`), 404, 'not_found')
      expect((await owner.request('DELETE', `/api/v1/webhooks/${created.id}`)).status).toBe(204)
      expect((await owner.json('GET', '/api/v1/webhooks')).items).toEqual([])
      await problem(await owner.request('DELETE', `/api/v1/webhooks/${created.id}`), 404, 'not_found')
    })

    it('tells upload_request.file_received, signed, for a file in one request and one completed from parts', async () => {
      const owner = await api.createKey('user', 'hooks-requests')
      const created = await owner.json(
        'POST',
        '/api/v1/webhooks',
        { json: { url: receiver.url('/received'), events: ['upload_request.file_received'] } },
        201,
      )
      const request = await owner.json(
        'POST',
        '/api/v1/upload-requests',
        { json: { expiresIn: '1h', maxFiles: 3, maxBytes: 100_000 } },
        201,
      )
      const guest = new Api(target, request.token)
      const note = await guest.upload('note — draft.txt', 'a note for you', 'text/plain')
      const data = bytes(3000, 11)
      const upload = await guest.json(
        'POST',
        '/api/v1/uploads',
        { json: { name: 'scan.pdf', size: data.length, contentType: 'application/pdf' } },
        201,
      )
      expect(upload.parts).toBe(1)
      const part = await guest.request('PUT', `/api/v1/uploads/${upload.id}/parts/1`, {
        body: data,
        headers: { 'content-type': 'application/octet-stream' },
      })
      expect(part.status).toBe(200)
      await part.arrayBuffer()
      const scan = await guest.json('POST', `/api/v1/uploads/${upload.id}/complete`, {}, 201)
      // A file the owner uploads with its own key is not received through a request.
      await owner.upload('mine.txt', 'mine')

      const about = (fileId: string) => () =>
        receiver.ofType('upload_request.file_received').find((r) => JSON.parse(r.body).data.file.id === fileId)
      const first = await eventually(about(note.id), 20_000, 'the one-request file')
      const second = await eventually(about(scan.id), 20_000, 'the file from parts')
      for (const delivery of [first, second]) {
        expect(verifyStandardWebhook(created.secret, delivery)).toBe(true)
        expect(delivery.headers['webhook-id']).toMatch(/\S/)
      }
      expect(JSON.parse(first.body).data).toEqual({
        requestId: request.id,
        file: { id: note.id, name: 'note — draft.txt', size: 14, sha256: note.sha256, contentType: 'text/plain' },
        files: 1,
        bytes: 14,
        maxFiles: 3,
        maxBytes: 100_000,
      })
      expect(JSON.parse(second.body).data).toEqual({
        requestId: request.id,
        file: { id: scan.id, name: 'scan.pdf', size: 3000, sha256: scan.sha256, contentType: 'application/pdf' },
        files: 2,
        bytes: 3014,
        maxFiles: 3,
        maxBytes: 100_000,
      })
      const deliveries = await eventually(
        async () => {
          const page = await owner.json('GET', `/api/v1/webhooks/${created.id}/deliveries`)
          return page.items.length === 2 && page.items.every((d: any) => d.status === 'delivered') && page.items
        },
        20_000,
        'two delivered',
      )
      expect(deliveries.map((d: any) => d.event)).toEqual(['upload_request.file_received', 'upload_request.file_received'])
      expect(receiver.ofType('upload_request.file_received').filter((r) => verifyStandardWebhook(created.secret, r))).toHaveLength(2)
    })

    it('retries after the receiver answered 500, with the same message id', async () => {
      const owner = await api.createKey('user', 'hooks-retry')
      const created = await owner.json('POST', '/api/v1/webhooks', { json: { url: receiver.url('/flaky'), events: ['webhook.test'] } }, 201)
      let failures = 0
      const previous = receiver.answer
      receiver.answer = (request) => (request.body.includes('"webhook.test"') && failures++ === 0 ? 500 : previous(request))
      try {
        const asked = Date.now()
        expect((await owner.request('POST', `/api/v1/webhooks/${created.id}/test`)).status).toBe(202)
        const attempts = await eventually(
          () => {
            const mine = receiver.received.filter((r) => verifyStandardWebhook(created.secret, r))
            return mine.length >= 2 ? mine : null
          },
          40_000,
          'the retry',
        )
        expect(attempts[1]!.headers['webhook-id']).toBe(attempts[0]!.headers['webhook-id'])
        expect(attempts[1]!.body).toBe(attempts[0]!.body)
        // The first retry comes within 30 s of the failure.
        expect(attempts[1]!.at - attempts[0]!.at).toBeLessThan(30_000)
        expect(attempts[0]!.at - asked).toBeLessThan(15_000)
        const delivery = await eventually(
          async () => {
            const [one] = (await owner.json('GET', `/api/v1/webhooks/${created.id}/deliveries`)).items
            return one?.status === 'delivered' && one
          },
          20_000,
          'delivered after a retry',
        )
        expect(delivery).toMatchObject({ event: 'webhook.test', attempts: 2, lastStatus: 204, lastError: null })
      } finally {
        receiver.answer = previous
      }
    })
  })
}
