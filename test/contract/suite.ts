import { createHash } from 'node:crypto'
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ASSETS } from '../../src/http/assets/bundle.generated'
import { Api, bytes } from '../support/api'
import { SessionClient } from '../support/session'
import type { ServiceTarget, TargetKind } from '../support/target'

/**
 * The HTTP contract, run unchanged against every runtime and store. A test
 * that truly belongs to one runtime is defined only for it
 * (`if (kind.runtime === ...) test(...)`), its reason in its name.
 */
export function defineContractSuite(kind: TargetKind) {
  let target: ServiceTarget
  let api: Api

  const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
  const download = (url: string, init: RequestInit = {}) => fetch(url, init)
  const problem = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const body = await response.json()
    expect(body).toMatchObject({ status, code })
    expect(typeof body.type).toBe('string')
    expect(typeof body.title).toBe('string')
    expect(typeof body.detail).toBe('string')
    return body
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  beforeAll(async () => {
    target = await kind.start({ env: { RATE_LIMIT: '0', MAX_UPLOAD_BYTES: String(4 * 1024 * 1024), RESUME_GRACE: '3600' } })
    api = new Api(target)
  })
  afterAll(async () => {
    await target?.stop()
  })

  describe('authentication and keys', () => {
    it('rejects a missing or wrong credential with 401 problem+json', async () => {
      const missing = await api.request('GET', '/api/v1/files', { key: null })
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/)
      await problem(missing, 401, 'unauthorized')
      await problem(await api.request('GET', '/api/v1/files', { key: 'fl_not-a-real-key-at-all' }), 401, 'unauthorized')
      await problem(await api.request('GET', '/api/v1/files', { key: null, headers: { authorization: 'Basic YTpi' } }), 401, 'unauthorized')
    })

    it('creates keys whose secret is shown once, and disables them', async () => {
      const created = await api.json('POST', '/api/v1/keys', { json: { name: 'ci', role: 'user' } }, 201)
      expect(Object.keys(created).sort()).toEqual(['id', 'key', 'name', 'role'])
      expect(created).toMatchObject({ name: 'ci', role: 'user' })
      const user = new Api(target, created.key)
      await user.json('GET', '/api/v1/files')
      expect((await api.request('DELETE', `/api/v1/keys/${created.id}`)).status).toBe(204)
      expect((await api.request('DELETE', `/api/v1/keys/${created.id}`)).status).toBe(204)
      await problem(await user.request('GET', '/api/v1/files'), 401, 'unauthorized')
      await problem(await api.request('DELETE', '/api/v1/keys/nosuchkey0'), 404, 'not_found')
    })

    it('validates key creation', async () => {
      await problem(await api.request('POST', '/api/v1/keys', { json: { name: 'x', role: 'root' } }), 400, 'invalid_request')
      await problem(await api.request('POST', '/api/v1/keys', { json: { role: 'user' } }), 400, 'invalid_request')
      await problem(
        await api.request('POST', '/api/v1/keys', { body: '{not json', headers: { 'content-type': 'application/json' } }),
        400,
        'invalid_request',
      )
    })

    it('keeps admin-only routes from user keys with 403 forbidden', async () => {
      const user = await api.createKey('user')
      await problem(await user.request('POST', '/api/v1/keys', { json: { name: 'x', role: 'admin' } }), 403, 'forbidden')
      await problem(await user.request('DELETE', '/api/v1/keys/whatever00'), 403, 'forbidden')
    })

    it('scopes user keys to their own files and links (404 for others)', async () => {
      const alice = await api.createKey('user', 'alice')
      const bob = await api.createKey('user', 'bob')
      const file = await alice.upload('alice.txt', 'alice data')
      const link = await alice.issue(file.id)
      await problem(await bob.request('GET', `/api/v1/files/${file.id}`), 404, 'not_found')
      await problem(await bob.request('DELETE', `/api/v1/files/${file.id}`), 404, 'not_found')
      await problem(await bob.request('GET', `/api/v1/links/${link.id}`), 404, 'not_found')
      await problem(await bob.request('DELETE', `/api/v1/links/${link.id}`), 404, 'not_found')
      await problem(await bob.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60 } }), 404, 'not_found')
      await problem(await bob.request('GET', `/api/v1/links?fileId=${file.id}`), 404, 'not_found')
      await problem(await bob.request('POST', '/api/v1/links/revoke', { json: { token: link.token } }), 404, 'not_found')
      const bobsFiles = await bob.json('GET', '/api/v1/files')
      expect(bobsFiles.items.map((f: { id: string }) => f.id)).not.toContain(file.id)
      const alicesFiles = await alice.json('GET', '/api/v1/files')
      expect(alicesFiles.items.map((f: { id: string }) => f.id)).toEqual([file.id])
      // Admins see everything.
      await api.json('GET', `/api/v1/files/${file.id}`)
      expect((await api.link(link.id)).id).toBe(link.id)
    })
  })

  describe('owners and key revocation (admin)', () => {
    const makeKey = async (name: string, role: 'admin' | 'user' = 'user') => {
      const created = await api.json('POST', '/api/v1/keys', { json: { name, role } }, 201)
      return { id: created.id as string, api: new Api(target, created.key) }
    }
    const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id)

    it('shows admins the owner of every file and link, and nobody else', async () => {
      const alice = await makeKey('alice owner')
      const file = await alice.api.upload('owned.txt', 'owned')
      const link = await alice.api.issue(file.id)
      const owner = { kind: 'api_key', id: alice.id, name: 'alice owner' }
      expect(file).not.toHaveProperty('owner')
      expect(link).not.toHaveProperty('owner')
      expect(await alice.api.json('GET', `/api/v1/files/${file.id}`)).not.toHaveProperty('owner')
      expect(await alice.api.link(link.id)).not.toHaveProperty('owner')
      for (const item of (await alice.api.json('GET', '/api/v1/links')).items) expect(item).not.toHaveProperty('owner')
      expect((await api.json('GET', `/api/v1/files/${file.id}`)).owner).toEqual(owner)
      expect((await api.link(link.id)).owner).toEqual(owner)
      const files = await api.json('GET', `/api/v1/files?owner=${alice.id}`)
      expect(files.items).toEqual([expect.objectContaining({ id: file.id, owner })])
      const links = await api.json('GET', `/api/v1/links?fileId=${file.id}`)
      expect(links.items).toEqual([expect.objectContaining({ id: link.id, owner })])
      // The bootstrap key owns what it makes, under the setting's name.
      const mine = await api.upload('bootstrap.txt', 'mine')
      const bootstrap = { kind: 'api_key', id: 'admin', name: 'ADMIN_API_KEY' }
      expect(mine.owner).toEqual(bootstrap)
      expect((await api.issue(mine.id)).owner).toEqual(bootstrap)
    })

    it('lists one owner with ?owner= (admins: anyone; others: only themselves, else 403)', async () => {
      const alice = await makeKey('alice lists')
      const bob = await makeKey('bob lists')
      const aliceFile = await alice.api.upload('a.txt', 'a')
      const bobFile = await bob.api.upload('b.txt', 'b')
      const aliceLinks = [(await alice.api.issue(aliceFile.id)).id, (await alice.api.issue(aliceFile.id)).id]
      const bobLink = (await bob.api.issue(bobFile.id)).id
      expect(ids(await api.json('GET', `/api/v1/files?owner=${alice.id}`))).toEqual([aliceFile.id])
      expect(ids(await api.json('GET', `/api/v1/links?owner=${alice.id}`)).sort()).toEqual(aliceLinks.sort())
      expect(ids(await api.json('GET', `/api/v1/links?owner=${bob.id}`))).toEqual([bobLink])
      expect(ids(await api.json('GET', `/api/v1/links?owner=${bob.id}&fileId=${aliceFile.id}`))).toEqual([])
      expect(ids(await api.json('GET', '/api/v1/links?owner=nosuchkey0'))).toEqual([])
      expect(ids(await alice.api.json('GET', `/api/v1/links?owner=${alice.id}`)).sort()).toEqual(aliceLinks.sort())
      await problem(await alice.api.request('GET', `/api/v1/links?owner=${bob.id}`), 403, 'forbidden')
      await problem(await alice.api.request('GET', `/api/v1/files?owner=${bob.id}`), 403, 'forbidden')
      await problem(await api.request('GET', `/api/v1/files?owner=${'x'.repeat(65)}`), 400, 'invalid_request')
    })

    it('revokes every link a key issued when it is disabled with ?revokeLinks=true', async () => {
      const issuer = await makeKey('leaky service')
      const other = await makeKey('other service')
      const file = await issuer.api.upload('leaked.txt', 'leaked')
      const issued = [await issuer.api.issue(file.id, { maxDownloads: 3 }), await issuer.api.issue(file.id)]
      const kept = await other.api.issue((await other.api.upload('kept.txt', 'kept')).id)
      const adminLink = await api.issue(file.id, { maxDownloads: 2 })

      await problem(await api.request('DELETE', `/api/v1/keys/${issuer.id}?revokeLinks=yes`), 400, 'invalid_request')
      expect((await api.request('DELETE', `/api/v1/keys/${issuer.id}?revokeLinks=true`)).status).toBe(204)
      await problem(await issuer.api.request('GET', '/api/v1/files'), 401, 'unauthorized')
      for (const link of issued) {
        await problem(await download(link.downloadUrl), 410, 'link_revoked')
        expect(await api.link(link.id)).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) })
      }
      // Links of other keys, on the same file too, go on.
      expect(await (await download(kept.downloadUrl)).text()).toBe('kept')
      expect(await (await download(adminLink.downloadUrl)).text()).toBe('leaked')

      // Disabled without it, a key's links keep working; asked again later, they stop.
      const late = await makeKey('late service')
      const lateLink = await late.api.issue((await late.api.upload('late.txt', 'late')).id, { maxDownloads: 2 })
      expect((await api.request('DELETE', `/api/v1/keys/${late.id}`)).status).toBe(204)
      expect((await api.request('DELETE', `/api/v1/keys/${late.id}?revokeLinks=false`)).status).toBe(204)
      expect(await (await download(lateLink.downloadUrl)).text()).toBe('late')
      expect((await api.request('DELETE', `/api/v1/keys/${late.id}?revokeLinks=true`)).status).toBe(204)
      await problem(await download(lateLink.downloadUrl), 410, 'link_revoked')
      await problem(await api.request('DELETE', '/api/v1/keys/nosuchkey0?revokeLinks=true'), 404, 'not_found')
    })

    it("owns a user's work by the user, whichever key or session made it; revokes by the issuing key alone", async () => {
      const username = `owner-${kind.runtime}-${Date.now() % 100_000}`
      const password = 'a long enough password'
      const user = await api.json('POST', '/api/v1/users', { json: { username, role: 'user', password } }, 201)
      const session = await SessionClient.signIn(target, username, password)
      const keyOf = async (name: string) => {
        const created = await session.json('POST', '/api/v1/keys', { json: { name, role: 'user' } }, 201)
        return { id: created.id as string, api: new Api(target, created.key) }
      }
      const laptop = await keyOf('laptop')
      const phone = await keyOf('phone')
      const file = await laptop.api.upload('theirs.txt', 'theirs')
      const fromLaptop = await laptop.api.issue(file.id, { maxDownloads: 2 })
      const fromPhone = await phone.api.issue(file.id, { maxDownloads: 2 })
      const fromSession = await session.json('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 600, maxDownloads: 2 } }, 201)
      const owner = { kind: 'user', id: user.id, name: username }

      expect((await api.json('GET', `/api/v1/files/${file.id}`)).owner).toEqual(owner)
      const links = await api.json('GET', `/api/v1/links?owner=${user.id}`)
      expect(ids(links).sort()).toEqual([fromLaptop.id, fromPhone.id, fromSession.id].sort())
      for (const link of links.items) expect(link.owner).toEqual(owner)
      expect(ids(await api.json('GET', `/api/v1/files?owner=${user.id}`))).toEqual([file.id])
      // A user's key owns nothing of its own: the user does.
      expect(ids(await api.json('GET', `/api/v1/links?owner=${laptop.id}`))).toEqual([])
      expect(ids(await phone.api.json('GET', `/api/v1/links?owner=${user.id}`)).sort()).toEqual(ids(links).sort())
      await problem(await phone.api.request('GET', `/api/v1/links?owner=${laptop.id}`), 403, 'forbidden')

      // The user disables its own key and that key's links; its other key's and its session's go on.
      expect((await session.request('DELETE', `/api/v1/keys/${laptop.id}?revokeLinks=true`)).status).toBe(204)
      await problem(await download(fromLaptop.downloadUrl), 410, 'link_revoked')
      expect(await (await download(fromPhone.downloadUrl)).text()).toBe('theirs')
      expect(await (await download(fromSession.downloadUrl)).text()).toBe('theirs')
      // Another owner's key is not the user's to disable.
      const stranger = await makeKey('stranger')
      await problem(await session.request('DELETE', `/api/v1/keys/${stranger.id}?revokeLinks=true`), 404, 'not_found')
    })
  })

  describe('files', () => {
    it('uploads a raw body with ?name= and reports size, type and sha256', async () => {
      const data = bytes(100_000, 7)
      const response = await api.request('POST', `/api/v1/files?name=${encodeURIComponent('report 2026.pdf')}`, {
        body: data,
        headers: { 'content-type': 'application/pdf' },
      })
      expect(response.status).toBe(201)
      const file = await response.json()
      expect(file).toMatchObject({ name: 'report 2026.pdf', size: 100_000, contentType: 'application/pdf', sha256: sha256(data) })
      expect(file.id).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(new Date(file.createdAt).toISOString()).toBe(file.createdAt)
      expect(await api.json('GET', `/api/v1/files/${file.id}`)).toEqual(file)
    })

    it('uploads multipart/form-data field "file" with its filename and type', async () => {
      const data = bytes(70_000, 3)
      const form = new FormData()
      form.append('note', 'ignored field before the file')
      form.append('file', new Blob([data], { type: 'image/png' }), 'photo ünïcode.png')
      const response = await api.request('POST', '/api/v1/files', { body: form })
      expect(response.status).toBe(201)
      const file = await response.json()
      expect(file).toMatchObject({ name: 'photo ünïcode.png', size: 70_000, contentType: 'image/png', sha256: sha256(data) })
      const link = await api.issue(file.id)
      const body = new Uint8Array(await (await download(link.downloadUrl)).arrayBuffer())
      expect(sha256(body)).toBe(sha256(data))
    })

    it('refuses uploads without a name, with a bad type, or without the file field', async () => {
      await problem(
        await api.request('POST', '/api/v1/files', { body: 'x', headers: { 'content-type': 'text/plain' } }),
        400,
        'invalid_request',
      )
      await problem(
        await api.request('POST', '/api/v1/files?name=a', { body: 'x', headers: { 'content-type': 'not a type' } }),
        400,
        'invalid_request',
      )
      const form = new FormData()
      form.append('other', 'value')
      await problem(await api.request('POST', '/api/v1/files', { body: form }), 400, 'invalid_request')
    })

    it('refuses an upload over MAX_UPLOAD_BYTES with 413, declared or streamed', async () => {
      const big = bytes(4 * 1024 * 1024 + 1)
      await problem(await api.request('POST', '/api/v1/files?name=big', { body: big }), 413, 'payload_too_large')
      // Without a Content-Length the limit is enforced while streaming.
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(bytes(1024 * 1024, i + 1))
          controller.close()
        },
      })
      const response = await api.request('POST', '/api/v1/files?name=big', { body: chunked })
      await problem(response, 413, 'payload_too_large')
      const list = await api.json('GET', '/api/v1/files?limit=100')
      expect(list.items.some((f: { name: string }) => f.name === 'big')).toBe(false)
    })

    it('imports an object already in storage (admin), reading size and type from storage', async () => {
      const data = bytes(12_345, 9)
      await target.putObject('imports/existing.csv', data, 'text/csv')
      const file = await api.json('POST', '/api/v1/files/import', { json: { key: 'imports/existing.csv' } }, 201)
      expect(file).toMatchObject({ name: 'existing.csv', size: 12_345 })
      const named = await api.json('POST', '/api/v1/files/import', { json: { key: 'imports/existing.csv', name: 'data.csv' } }, 201)
      expect(named.name).toBe('data.csv')
      const link = await api.issue(file.id)
      const body = new Uint8Array(await (await download(link.downloadUrl)).arrayBuffer())
      expect(sha256(body)).toBe(sha256(data))
      await problem(await api.request('POST', '/api/v1/files/import', { json: { key: 'imports/missing.bin' } }), 404, 'not_found')
      await problem(await api.request('POST', '/api/v1/files/import', { json: { key: '../etc/passwd' } }), 400, 'invalid_request')
      await problem(await api.request('POST', '/api/v1/files/import', { json: {} }), 400, 'invalid_request')
      const user = await api.createKey('user')
      await problem(await user.request('POST', '/api/v1/files/import', { json: { key: 'imports/existing.csv' } }), 403, 'forbidden')
    })

    it('lists newest first with a cursor', async () => {
      const owner = await api.createKey('user', 'lister')
      const ids: string[] = []
      for (let i = 0; i < 5; i++) ids.push((await owner.upload(`f${i}.txt`, `file ${i}`)).id)
      const first = await owner.json('GET', '/api/v1/files?limit=2')
      expect(first.items.map((f: { id: string }) => f.id)).toEqual([ids[4], ids[3]])
      expect(typeof first.nextCursor).toBe('string')
      const second = await owner.json('GET', `/api/v1/files?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)
      expect(second.items.map((f: { id: string }) => f.id)).toEqual([ids[2], ids[1]])
      const third = await owner.json('GET', `/api/v1/files?limit=2&cursor=${encodeURIComponent(second.nextCursor)}`)
      expect(third.items.map((f: { id: string }) => f.id)).toEqual([ids[0]])
      expect(third.nextCursor).toBeNull()
      await problem(await owner.request('GET', '/api/v1/files?cursor=garbage!'), 400, 'invalid_request')
      await problem(await owner.request('GET', '/api/v1/files?limit=0'), 400, 'invalid_request')
      await problem(await owner.request('GET', '/api/v1/files?limit=abc'), 400, 'invalid_request')
    })

    it('deletes a file: 204, then 404, and every link to it answers 410 file_gone', async () => {
      const file = await api.upload('doomed.txt', 'bye')
      const link = await api.issue(file.id, { maxDownloads: 3 })
      expect((await api.request('DELETE', `/api/v1/files/${file.id}`)).status).toBe(204)
      await problem(await api.request('GET', `/api/v1/files/${file.id}`), 404, 'not_found')
      await problem(await api.request('DELETE', `/api/v1/files/${file.id}`), 404, 'not_found')
      await problem(await download(link.downloadUrl), 410, 'file_gone')
      expect((await api.link(link.id)).status).toBe('file_deleted')
      await problem(await api.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60 } }), 404, 'not_found')
    })

    it('answers 404 problem+json for an unknown file', async () => {
      await problem(await api.request('GET', '/api/v1/files/nosuchfile'), 404, 'not_found')
    })
  })

  describe('links', () => {
    it('issues a link with the documented shape, URLs and token', async () => {
      const file = await api.upload('shape.txt', 'hello')
      const before = Date.now()
      const link = await api.issue(file.id, { expiresIn: '24h', filename: 'greeting.txt' })
      expect(link).toMatchObject({
        fileId: file.id,
        maxDownloads: 1,
        downloads: 0,
        remaining: 1,
        status: 'active',
        notBefore: null,
        revokedAt: null,
      })
      for (const key of [
        'id',
        'fileId',
        'token',
        'url',
        'downloadUrl',
        'expiresAt',
        'notBefore',
        'maxDownloads',
        'downloads',
        'remaining',
        'status',
        'createdAt',
        'revokedAt',
      ]) {
        expect(link).toHaveProperty(key)
      }
      expect(link.url).toBe(`${target.baseUrl}/s/${link.token}`)
      expect(link.downloadUrl).toBe(`${target.baseUrl}/d/${link.token}`)
      expect(link.url.length).toBeLessThan(300)
      const expires = Date.parse(link.expiresAt)
      expect(expires - before).toBeGreaterThan(24 * 3600_000 - 5000)
      expect(expires - before).toBeLessThan(24 * 3600_000 + 5000)
      const [header, payload] = link.token
        .split('.')
        .slice(0, 2)
        .map((part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()))
      expect(header.typ).toBe('fuselink+jwt')
      expect(typeof header.kid).toBe('string')
      expect(payload.jti).toBe(link.id)
      expect(payload.exp * 1000).toBe(expires)
      expect(typeof payload.iat).toBe('number')
      expect(JSON.stringify(payload)).toContain(file.id)
      const jwks = await (await fetch(`${target.baseUrl}/.well-known/jwks.json`)).json()
      if (header.alg !== 'HS256') expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid)
      for (const key of jwks.keys) expect(key).not.toHaveProperty('d')
    })

    it('accepts expiresIn as seconds or "90m" / "7d", and refuses bad or too long ones', async () => {
      const file = await api.upload('ttl.txt', 'ttl')
      const minutes = await api.issue(file.id, { expiresIn: '90m' })
      expect(Date.parse(minutes.expiresAt) - Date.parse(minutes.createdAt)).toBe(90 * 60_000)
      const days = await api.issue(file.id, { expiresIn: '7d' })
      expect(Date.parse(days.expiresAt) - Date.parse(days.createdAt)).toBe(7 * 86400_000)
      const secs = await api.issue(file.id, { expiresIn: 120 })
      expect(Date.parse(secs.expiresAt) - Date.parse(secs.createdAt)).toBe(120_000)
      for (const expiresIn of ['soon', -5, 0, '1y', 1.5, '', null]) {
        await problem(await api.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn } }), 400, 'invalid_request')
      }
      await problem(await api.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: '31d' } }), 400, 'invalid_request')
      await problem(await api.request('POST', '/api/v1/links', { json: { fileId: file.id } }), 400, 'invalid_request')
      await problem(
        await api.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60, maxDownloads: 0 } }),
        400,
        'invalid_request',
      )
      await problem(
        await api.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60, maxDownloads: 'two' } }),
        400,
        'invalid_request',
      )
      await problem(await api.request('POST', '/api/v1/links', { json: { fileId: 'nosuchfile', expiresIn: 60 } }), 404, 'not_found')
    })

    it('gets one link with live counters and lists by file without tokens', async () => {
      const file = await api.upload('counted.txt', 'count me')
      const link = await api.issue(file.id, { maxDownloads: 3 })
      const other = await api.issue(file.id)
      expect((await download(link.downloadUrl)).status).toBe(200)
      const one = await api.link(link.id)
      expect(one).toMatchObject({ downloads: 1, remaining: 2, status: 'active', token: link.token, url: link.url })
      const list = await api.json('GET', `/api/v1/links?fileId=${file.id}`)
      expect(new Set(list.items.map((l: { id: string }) => l.id))).toEqual(new Set([link.id, other.id]))
      expect(list.nextCursor).toBeNull()
      for (const item of list.items) {
        expect(item).not.toHaveProperty('token')
        expect(item).not.toHaveProperty('url')
        expect(item).not.toHaveProperty('downloadUrl')
      }
      expect(list.items.find((l: { id: string }) => l.id === link.id)).toMatchObject({ downloads: 1, remaining: 2 })
      await problem(await api.request('GET', '/api/v1/links/nosuchlink'), 404, 'not_found')
    })

    it('revokes by id (idempotent) and by token: downloads then answer 410 link_revoked', async () => {
      const file = await api.upload('revoke.txt', 'revoke me')
      const byId = await api.issue(file.id, { maxDownloads: 5 })
      expect((await api.request('DELETE', `/api/v1/links/${byId.id}`)).status).toBe(204)
      expect((await api.request('DELETE', `/api/v1/links/${byId.id}`)).status).toBe(204)
      await problem(await download(byId.downloadUrl), 410, 'link_revoked')
      const revoked = await api.link(byId.id)
      expect(revoked.status).toBe('revoked')
      expect(typeof revoked.revokedAt).toBe('string')

      const byToken = await api.issue(file.id)
      expect((await api.request('POST', '/api/v1/links/revoke', { json: { token: byToken.token } })).status).toBe(204)
      await problem(await download(byToken.downloadUrl), 410, 'link_revoked')
      await problem(await api.request('POST', '/api/v1/links/revoke', { json: { token: 'not.a.token' } }), 403, 'invalid_token')
      await problem(await api.request('POST', '/api/v1/links/revoke', { json: {} }), 400, 'invalid_request')
    })

    it('holds a link with notBefore in the future at 403 link_not_yet_valid', async () => {
      const file = await api.upload('later.txt', 'not yet')
      const notBefore = new Date(Date.now() + 3600_000).toISOString()
      const link = await api.issue(file.id, { notBefore, expiresIn: '2h' })
      expect(Date.parse(link.notBefore)).toBe(Date.parse(notBefore))
      await problem(await download(link.downloadUrl), 403, 'link_not_yet_valid')
      expect((await download(link.downloadUrl, { method: 'HEAD' })).status).toBe(403)
      expect((await api.link(link.id)).downloads).toBe(0)
      await problem(
        await api.request('POST', '/api/v1/links', {
          json: { fileId: file.id, expiresIn: 60, notBefore: new Date(Date.now() + 120_000).toISOString() },
        }),
        400,
        'invalid_request',
      )
      await problem(
        await api.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60, notBefore: 'tomorrow' } }),
        400,
        'invalid_request',
      )
      const past = await api.issue(file.id, { notBefore: new Date(Date.now() - 60_000).toISOString() })
      expect((await download(past.downloadUrl)).status).toBe(200)
    })

    it('expires: new downloads after exp answer 410 link_expired', async () => {
      const file = await api.upload('short.txt', 'short lived')
      const link = await api.issue(file.id, { expiresIn: 1 })
      await sleep(Date.parse(link.expiresAt) - Date.now() + 200)
      await problem(await download(link.downloadUrl), 410, 'link_expired')
      expect((await api.link(link.id)).status).toBe('expired')
    })
  })

  describe('downloads', () => {
    it('streams the file with every header docs/api.md lists', async () => {
      const data = bytes(300_000, 11)
      const file = await api.upload('weird "name"\r\n/é.bin', data, 'application/x-custom')
      const link = await api.issue(file.id)
      const response = await download(link.downloadUrl)
      expect(response.status).toBe(200)
      const h = response.headers
      expect(h.get('content-type')).toBe('application/x-custom')
      const disposition = h.get('content-disposition')!
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/)
      expect(disposition).not.toMatch(/[\r\n]/)
      expect(h.get('content-length')).toBe('300000')
      expect(h.get('accept-ranges')).toBe('bytes')
      expect(h.get('etag')).toMatch(/^"[^"]+"$/)
      expect(h.get('cache-control')).toBe('private, no-store')
      expect(h.get('x-content-type-options')).toBe('nosniff')
      expect(h.get('referrer-policy')).toBe('no-referrer')
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(data))
    })

    it('sends HTML and SVG as attachments', async () => {
      for (const [name, type] of [
        ['page.html', 'text/html'],
        ['image.svg', 'image/svg+xml'],
      ] as const) {
        const file = await api.upload(name, '<script>alert(1)</script>', type)
        const response = await download((await api.issue(file.id)).downloadUrl)
        expect(response.headers.get('content-disposition')).toMatch(/^attachment;/)
        expect(response.headers.get('x-content-type-options')).toBe('nosniff')
        await response.arrayBuffer()
      }
    })

    it('uses the link filename override in Content-Disposition', async () => {
      const file = await api.upload('internal-name.bin', 'x')
      const link = await api.issue(file.id, { filename: 'Résumé final.txt' })
      const response = await download(link.downloadUrl)
      expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''R%C3%A9sum%C3%A9%20final.txt`)
      await response.arrayBuffer()
    })

    it('stores half a surrogate pair sent in JSON as U+FFFD, so the download still has a valid Content-Disposition', async () => {
      const file = await api.upload('lone.bin', 'x')
      const link = await api.issue(file.id, { filename: 'half\ud800.txt' })
      expect(link.filename).toBe('half\ufffd.txt')
      const response = await download(link.downloadUrl)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''half%EF%BF%BD.txt`)
      await response.arrayBuffer()
    })

    it('notes when the last counted download started; HEAD, the page and a resume leave it as it is', async () => {
      const file = await api.upload('last.txt', 'last download')
      const link = await api.issue(file.id, { maxDownloads: 2 })
      expect(link.lastDownloadAt).toBeNull()
      expect((await download(link.downloadUrl, { method: 'HEAD' })).status).toBe(200)
      expect((await fetch(link.url)).status).toBe(200)
      expect((await api.link(link.id)).lastDownloadAt).toBeNull()

      const before = Date.now()
      const head = await download(link.downloadUrl, { headers: { range: 'bytes=0-3' } })
      expect(head.status).toBe(206)
      await head.arrayBuffer()
      const first = (await api.link(link.id)).lastDownloadAt
      expect(Date.parse(first)).toBeGreaterThanOrEqual(before - 1000)
      expect(Date.parse(first)).toBeLessThanOrEqual(Date.now() + 1000)
      const listed = (await api.json('GET', `/api/v1/links?fileId=${file.id}`)).items[0]
      expect(listed.lastDownloadAt).toBe(first)

      await new Promise((resolve) => setTimeout(resolve, 20))
      const rest = await download(link.downloadUrl, { headers: { range: 'bytes=4-' } })
      expect(rest.status).toBe(206)
      expect(await rest.text()).toBe(' download')
      const after = await api.link(link.id)
      expect([after.downloads, after.lastDownloadAt]).toEqual([1, first])

      await (await download(link.downloadUrl)).arrayBuffer()
      expect(Date.parse((await api.link(link.id)).lastDownloadAt)).toBeGreaterThan(Date.parse(first))
    })

    it('answers HEAD with the headers of a GET and consumes nothing', async () => {
      const file = await api.upload('head.txt', 'head body')
      const link = await api.issue(file.id)
      for (let i = 0; i < 3; i++) {
        const response = await download(link.downloadUrl, { method: 'HEAD' })
        expect(response.status).toBe(200)
        expect(response.headers.get('content-length')).toBe('9')
        expect(response.headers.get('content-disposition')).toMatch(/^attachment/)
        expect(response.headers.get('etag')).toMatch(/^"/)
      }
      expect((await api.link(link.id)).downloads).toBe(0)
      expect((await download(link.downloadUrl)).status).toBe(200)
      expect((await api.link(link.id)).downloads).toBe(1)
      expect((await download(link.downloadUrl, { method: 'HEAD' })).status).toBe(410)
    })

    it('consumes on POST as on GET', async () => {
      const file = await api.upload('post.txt', 'posted')
      const link = await api.issue(file.id)
      const response = await download(link.downloadUrl, { method: 'POST' })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('posted')
      await problem(await download(link.downloadUrl, { method: 'POST' }), 410, 'download_limit_reached')
    })

    it('answers If-None-Match with 304 without consuming', async () => {
      const file = await api.upload('etag.txt', 'cached')
      const link = await api.issue(file.id, { maxDownloads: 2 })
      const etag = (await download(link.downloadUrl, { method: 'HEAD' })).headers.get('etag')!
      const response = await download(link.downloadUrl, { headers: { 'if-none-match': etag } })
      expect(response.status).toBe(304)
      expect((await api.link(link.id)).downloads).toBe(0)
      const changed = await download(link.downloadUrl, { headers: { 'if-none-match': '"other"' } })
      expect(changed.status).toBe(200)
      await changed.arrayBuffer()
      expect((await api.link(link.id)).downloads).toBe(1)
    })

    it('serves a single byte range with 206 and refuses an unsatisfiable one with 416', async () => {
      const data = bytes(10_000, 5)
      const file = await api.upload('range.bin', data)
      const link = await api.issue(file.id, { maxDownloads: 3 })
      const first = await download(link.downloadUrl, { headers: { range: 'bytes=0-99' } })
      expect(first.status).toBe(206)
      expect(first.headers.get('content-range')).toBe('bytes 0-99/10000')
      expect(first.headers.get('content-length')).toBe('100')
      expect(Buffer.from(await first.arrayBuffer())).toEqual(Buffer.from(data.subarray(0, 100)))
      expect((await api.link(link.id)).downloads).toBe(1)
      const resumed = await download(link.downloadUrl, { headers: { range: 'bytes=100-' } })
      expect(resumed.status).toBe(206)
      expect(resumed.headers.get('content-range')).toBe('bytes 100-9999/10000')
      expect(Buffer.from(await resumed.arrayBuffer())).toEqual(Buffer.from(data.subarray(100)))
      expect((await api.link(link.id)).downloads).toBe(1)
      const beyond = await download(link.downloadUrl, { headers: { range: 'bytes=20000-' } })
      expect(beyond.headers.get('content-range')).toBe('bytes */10000')
      await problem(beyond, 416, 'range_not_satisfiable')
      expect((await api.link(link.id)).downloads).toBe(1)
    })

    it('gives exactly one of 100 simultaneous requests the last download', async () => {
      const data = bytes(20_000, 13)
      const file = await api.upload('race.bin', data)
      const link = await api.issue(file.id, { maxDownloads: 1 })
      const responses = await Promise.all(Array.from({ length: 100 }, () => download(link.downloadUrl)))
      const statuses = responses.map((r) => r.status)
      const bodies = await Promise.all(responses.map((r) => r.arrayBuffer()))
      expect(statuses.filter((s) => s === 200)).toHaveLength(1)
      expect(statuses.filter((s) => s === 410)).toHaveLength(99)
      const winner = statuses.indexOf(200)
      expect(sha256(new Uint8Array(bodies[winner]!))).toBe(sha256(data))
      const after = await api.link(link.id)
      expect(after).toMatchObject({ downloads: 1, remaining: 0, status: 'exhausted' })
    })

    it('counts to the limit and then answers 410 download_limit_reached', async () => {
      const file = await api.upload('limit.txt', 'limited')
      const link = await api.issue(file.id, { maxDownloads: 2 })
      expect(await (await download(link.downloadUrl)).text()).toBe('limited')
      expect(await (await download(link.downloadUrl)).text()).toBe('limited')
      await problem(await download(link.downloadUrl), 410, 'download_limit_reached')
      expect(await api.link(link.id)).toMatchObject({ downloads: 2, remaining: 0, status: 'exhausted' })
    })

    it("keeps a small uploaded file's bytes after its first download: the next ones do not reach storage; a large file's always do", async () => {
      const small = await api.upload('kept.txt', 'kept in memory')
      const large = await api.upload('streamed.bin', bytes(256 * 1024, 9))
      const smallLink = await api.issue(small.id, { maxDownloads: 10 })
      const largeLink = await api.issue(large.id, { maxDownloads: 10 })
      expect(await (await download(smallLink.downloadUrl)).text()).toBe('kept in memory')
      expect((await download(largeLink.downloadUrl)).status).toBe(200)
      // Storage loses both objects behind the service's back.
      await target.removeObject(`files/${small.id}`)
      await target.removeObject(`files/${large.id}`)
      expect(await (await download(smallLink.downloadUrl)).text()).toBe('kept in memory')
      const part = await download(smallLink.downloadUrl, { headers: { range: 'bytes=5-6' } })
      expect(part.status).toBe(206)
      expect(await part.text()).toBe('in')
      await problem(await download(largeLink.downloadUrl), 410, 'file_gone')
    })

    it('consumes nothing when the object is missing from storage (410 file_gone)', async () => {
      await target.putObject('imports/vanishing.bin', bytes(1000))
      const file = await api.json('POST', '/api/v1/files/import', { json: { key: 'imports/vanishing.bin' } }, 201)
      const link = await api.issue(file.id)
      await target.removeObject('imports/vanishing.bin')
      await problem(await download(link.downloadUrl), 410, 'file_gone')
      expect((await api.link(link.id)).downloads).toBe(0)
    })

    it('refuses forged, tampered, oversized and garbage tokens with 403 invalid_token', async () => {
      const file = await api.upload('forge.txt', 'secret')
      const link = await api.issue(file.id)
      const [header, payload, signature] = link.token.split('.')
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString())
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
      const forged = [
        `${header}.${b64({ ...decoded, max: 1000 })}.${signature}`,
        `${b64({ alg: 'none', typ: 'fuselink+jwt' })}.${payload}.`,
        `${b64({ alg: 'none', typ: 'fuselink+jwt' })}.${payload}.${signature}`,
        `${b64({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), kid: 'unknown' })}.${payload}.${signature}`,
        `${header}.${payload}`,
        `${header}.${payload}.${signature.slice(0, -4)}`,
        'garbage',
        'a'.repeat(2000),
        `${header}.${payload}.${signature}${'A'.repeat(1100)}`,
      ]
      for (const token of forged) {
        await problem(await download(`${target.baseUrl}/d/${token}`), 403, 'invalid_token')
        await problem(await download(`${target.baseUrl}/s/${token}`), 403, 'invalid_token')
      }
      expect((await api.link(link.id)).downloads).toBe(0)
    })

    it('never consumes for prefetches or link-preview bots', async () => {
      const file = await api.upload('scanned.txt', 'do not burn')
      const link = await api.issue(file.id)
      const prefetch = await download(link.downloadUrl, { headers: { 'sec-purpose': 'prefetch' } })
      expect(prefetch.status).toBe(200)
      expect(prefetch.headers.get('content-type')).toMatch(/^text\/html/)
      await prefetch.text()
      const purpose = await download(link.downloadUrl, { headers: { purpose: 'prefetch' } })
      await purpose.text()
      const bot = await download(link.downloadUrl, {
        headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
      })
      expect(bot.headers.get('content-type')).toMatch(/^text\/html/)
      await bot.text()
      expect((await api.link(link.id)).downloads).toBe(0)
      expect(await (await download(link.downloadUrl)).text()).toBe('do not burn')
    })
  })

  describe('recipient pages', () => {
    it('shows the landing page without consuming, with a form that POSTs to /d/', async () => {
      const file = await api.upload('landing.pdf', bytes(2048), 'application/pdf')
      const link = await api.issue(file.id, { maxDownloads: 2 })
      const page = await download(link.url, { headers: { accept: 'text/html' } })
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/^text\/html/)
      expect(page.headers.get('referrer-policy')).toBe('no-referrer')
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
      const html = await page.text()
      expect(html).toContain('landing.pdf')
      expect(html).toMatch(/<form[^>]+method="post"/i)
      expect(html).toContain(`/d/${link.token}`)
      expect((await api.link(link.id)).downloads).toBe(0)
    })

    it('answers people with an HTML error page of the same status, and programs with problem+json', async () => {
      const file = await api.upload('gone.txt', 'gone')
      const link = await api.issue(file.id)
      await api.request('DELETE', `/api/v1/links/${link.id}`)
      for (const url of [link.url, link.downloadUrl]) {
        const page = await download(url, { headers: { accept: 'text/html,application/xhtml+xml' } })
        expect(page.status).toBe(410)
        expect(page.headers.get('content-type')).toMatch(/^text\/html/)
        const html = await page.text()
        expect(html).not.toMatch(/<form/i)
        expect(html).not.toMatch(/at \w+ \(|node_modules|Error:/)
        await problem(await download(url, { headers: { accept: '*/*' } }), 410, 'link_revoked')
      }
    })
  })

  describe('service', () => {
    it('publishes its public keys and reports health', async () => {
      const jwks = await fetch(`${target.baseUrl}/.well-known/jwks.json`)
      expect(jwks.status).toBe(200)
      expect(Array.isArray((await jwks.json()).keys)).toBe(true)
      const health = await fetch(`${target.baseUrl}/healthz`)
      expect(health.status).toBe(200)
    })

    it('serves the bundled browser code under hashed names, cached for good', async () => {
      for (const asset of Object.values(ASSETS)) {
        const response = await fetch(`${target.baseUrl}/assets/${asset.file}`)
        expect(response.status).toBe(200)
        expect(response.headers.get('content-type')).toBe(asset.type)
        expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
        expect(await response.text()).toBe(asset.body)
      }
      await problem(await fetch(`${target.baseUrl}/assets/app.0000000000.js`), 404, 'not_found')
    })

    it('answers unknown routes with 404 problem+json', async () => {
      await problem(await fetch(`${target.baseUrl}/nowhere`), 404, 'not_found')
      await problem(await api.request('GET', '/api/v1/nowhere'), 404, 'not_found')
    })

    it('keeps files, links and counters across a restart', async () => {
      const file = await api.upload('durable.txt', 'still here')
      const link = await api.issue(file.id, { maxDownloads: 2 })
      expect(await (await download(link.downloadUrl)).text()).toBe('still here')
      await target.restart()
      expect(await api.json('GET', `/api/v1/files/${file.id}`)).toMatchObject({ name: 'durable.txt' })
      expect(await api.link(link.id)).toMatchObject({ downloads: 1, remaining: 1, token: link.token })
      expect(await (await download(link.downloadUrl)).text()).toBe('still here')
      await problem(await download(link.downloadUrl), 410, 'download_limit_reached')
    })
  })

  describe('API document and reference', () => {
    // The routes of the HTTP contract as it stands; the document may hold more
    // (test/http/openapi.test.ts checks it against the app's own route table).
    const CONTRACT_OPERATIONS = [
      'POST /api/v1/files',
      'POST /api/v1/files/import',
      'GET /api/v1/files',
      'GET /api/v1/files/{id}',
      'DELETE /api/v1/files/{id}',
      'POST /api/v1/links',
      'GET /api/v1/links',
      'GET /api/v1/links/{id}',
      'DELETE /api/v1/links/{id}',
      'POST /api/v1/links/revoke',
      'POST /api/v1/keys',
      'DELETE /api/v1/keys/{id}',
      'GET /s/{token}',
      'HEAD /d/{token}',
      'GET /d/{token}',
      'POST /d/{token}',
      'GET /.well-known/jwks.json',
      'GET /healthz',
      'GET /api/openapi.json',
      'GET /api/docs',
    ]
    const operations = (document: any) =>
      Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
        Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
      )

    it('serves valid OpenAPI 3.1 at /api/openapi.json, without a key, for every route of the contract', async () => {
      const response = await fetch(`${target.baseUrl}/api/openapi.json`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      const document = await response.json()
      const validator = new Validator()
      expect(await validator.validate(document)).toEqual({ valid: true })
      expect(validator.version).toBe('3.1')
      expect(document.servers).toEqual([{ url: target.baseUrl }])
      expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' })
      const listed = operations(document).map(({ method, path }) => `${method} ${path}`)
      expect(listed).toEqual(expect.arrayContaining(CONTRACT_OPERATIONS))
    })

    it('limits every JSON body the document declares to 64 KiB (413)', async () => {
      const document = await (await fetch(`${target.baseUrl}/api/openapi.json`)).json()
      const withJson = operations(document).filter(({ operation }) => operation.requestBody?.content?.['application/json'])
      expect(withJson.length).toBeGreaterThanOrEqual(4)
      const oversized = JSON.stringify({ padding: 'x'.repeat(64 * 1024) })
      for (const { method, path } of withJson) {
        const response = await api.request(method, path.replace(/\{[^}]+\}/g, 'x'), {
          body: oversized,
          headers: { 'content-type': 'application/json' },
        })
        await problem(response, 413, 'payload_too_large')
      }
    })

    it('bounds a JSON body sent in chunks, without a Content-Length, as it is read (413 past 64 KiB)', async () => {
      const file = await api.upload('chunked.bin', bytes(64))
      const chunked = (text: string) => {
        const encoded = new TextEncoder().encode(text)
        const step = Math.ceil(encoded.byteLength / 3)
        return new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < encoded.byteLength; at += step) controller.enqueue(encoded.subarray(at, at + step))
            controller.close()
          },
        })
      }
      const headers = { 'content-type': 'application/json' }
      const issued = await api.request('POST', '/api/v1/links', {
        body: chunked(JSON.stringify({ fileId: file.id, expiresIn: 3600 })),
        headers,
      })
      expect(issued.status).toBe(201)
      expect((await issued.json()).fileId).toBe(file.id)
      const oversized = chunked(JSON.stringify({ fileId: file.id, expiresIn: 3600, note: 'x'.repeat(64 * 1024) }))
      await problem(await api.request('POST', '/api/v1/links', { body: oversized, headers }), 413, 'payload_too_large')
    })

    it("serves a readable reference at /api/docs: every operation, under the pages' CSP, nothing from elsewhere", async () => {
      const response = await fetch(`${target.baseUrl}/api/docs`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
      const html = await response.text()
      const document = await (await fetch(`${target.baseUrl}/api/openapi.json`)).json()
      for (const { method, path } of operations(document)) {
        const id = `op-${method.toLowerCase()}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`
        expect(html, `${method} ${path}`).toContain(`id="${id}"`)
      }
      for (const { code } of document.components.schemas.Problem.properties.code.anyOf.map((o: any) => ({ code: o.enum[0] }))) {
        expect(html).toContain(`id="code-${code}"`)
      }
      expect(html).not.toMatch(/<script/i)
      expect(html).not.toMatch(/<link\b/i)
      for (const [, url] of html.matchAll(/(?:src|href|action)="([^"]*)"/g)) expect(url).toMatch(/^(#|\/)/)
    })
  })

  describe('webhook receivers', () => {
    // WEBHOOK_ALLOWED_HOSTS is `external` here (the default): public addresses only (docs/webhooks.md).
    it('refuses loopback and private receivers at subscription, a name that resolves to loopback included', async () => {
      for (const url of [
        'http://127.0.0.1:9/hook',
        'http://localhost:9/hook',
        'http://[::1]/hook',
        'http://10.1.2.3/hook',
        'http://192.168.0.10/',
      ]) {
        await problem(await api.request('POST', '/api/v1/webhooks', { json: { url, events: ['webhook.test'] } }), 400, 'invalid_request')
      }
      expect((await api.json('GET', '/api/v1/webhooks')).items).toEqual([])
    })
  })

  describe('rate limiting', () => {
    let limited: ServiceTarget
    beforeAll(async () => {
      limited = await kind.start({ env: { RATE_LIMIT: '3' } })
    })
    afterAll(async () => {
      await limited?.stop()
    })

    it('answers 429 after RATE_LIMIT failures, and never refuses a valid token or key', async () => {
      const admin = new Api(limited)
      const file = await admin.upload('limited.txt', 'ok')
      const link = await admin.issue(file.id, { maxDownloads: 5 })
      const bad = `${limited.baseUrl}/d/not-a-token`
      for (let i = 0; i < 3; i++) await problem(await download(bad), 403, 'invalid_token')
      await problem(await download(bad), 429, 'rate_limited')
      await problem(await admin.request('GET', '/api/v1/files', { key: 'fl_wrong-key-wrong-key' }), 429, 'rate_limited')
      expect(await (await download(link.downloadUrl)).text()).toBe('ok')
      await admin.json('GET', '/api/v1/files')
    })
  })
}
