import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api, bytes } from '../support/api'
import { fromAddress } from '../support/from-address'
import { cookieSet, parseSetCookie, SESSION_COOKIE, SessionClient } from '../support/session'
import type { ServiceTarget, TargetKind } from '../support/target'

/** SETUP_TTL and INVITE_TTL of the expiry tests: long enough to open a link made at start on a loaded machine. */
const SHORT_TTL = 5

/**
 * People (docs/accounts.md): the setup link, sessions and their cookie,
 * CSRF, sign-in throttling, invites, password changes, users, who owns
 * which key, `me`, link passwords and messages. Run unchanged against every
 * runtime and store, as the contract suite is.
 */
export function defineAccountsSuite(kind: TargetKind) {
  const PASSWORD = 'correct horse battery'
  let target: ServiceTarget
  let admin: Api
  let root: SessionClient
  // Every deliberate failure comes from an address of its own (127.0.0.x),
  // so that the per-address limit of one test never reaches another.
  let nextAddress = 10
  const freshAddress = () => `127.0.0.${nextAddress++}`

  const problem = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const body = await response.json()
    expect(body).toMatchObject({ status, code })
    return body
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const pathOf = (url: string) => new URL(url).pathname
  const jwtHeader = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())

  /** Posts a page's form, as a browser on `origin` would (null: no Origin at all). */
  const postForm = (t: ServiceTarget, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    })
  const signInFrom = (t: ServiceTarget, address: string, username: string, password: string, headers: Record<string, string> = {}) =>
    fromAddress(address, `${t.baseUrl}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    })
  let userCount = 0
  /** A user made by the admin key, signed in. */
  async function newUser(role: 'admin' | 'user' = 'user', password = PASSWORD) {
    const username = `person.${++userCount}-${kind.runtime}`
    const user = await admin.json('POST', '/api/v1/users', { json: { username, role, password } }, 201)
    return { user, username, password, session: await SessionClient.signIn(target, username, password) }
  }

  beforeAll(async () => {
    target = await kind.start({ env: { RATE_LIMIT: '0' } })
    admin = new Api(target)
  })
  afterAll(async () => {
    await target?.stop()
  })

  describe('first start: the setup link', () => {
    it('is printed as SETUP_URL=<PUBLIC_URL>/setup/<token> while no user exists, and opens a form', async () => {
      const url = target.setupUrl()
      expect(url).toMatch(new RegExp(`^${target.baseUrl}/setup/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`))
      expect(jwtHeader(url!.split('/setup/')[1]!).typ).toBe('fuselink-setup+jwt')
      const page = await fetch(url!)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/^text\/html/)
      const html = await page.text()
      expect(html).toMatch(/<form method="post"/)
      expect(html).toMatch(/name="username"/)
      expect(html).toMatch(/name="password"/)
    })

    it('refuses the form from another origin or without Origin and Sec-Fetch-Site (403), and bad fields (400), spending nothing', async () => {
      const path = pathOf(target.setupUrl()!)
      const fields = { username: 'root', password: PASSWORD }
      expect((await postForm(target, path, fields)).status).toBe(403)
      expect((await postForm(target, path, fields, { origin: 'https://evil.example' })).status).toBe(403)
      expect((await postForm(target, path, fields, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
      const origin = { origin: new URL(target.baseUrl).origin }
      const badName = await postForm(target, path, { username: 'r', password: PASSWORD }, origin)
      expect(badName.status).toBe(400)
      expect(await badName.text()).toContain('3 to 64')
      const shortPassword = await postForm(target, path, { username: 'root', password: 'short' }, origin)
      expect(shortPassword.status).toBe(400)
      expect(await shortPassword.text()).toMatch(/value="root"/)
      expect((await fetch(target.setupUrl()!)).status).toBe(200)
    })

    it('creates the first admin and signs it in; the link then answers 410, and no new one is printed', async () => {
      const url = target.setupUrl()!
      // What a browser sends from the page: Origin null (no-referrer) and Sec-Fetch-Site.
      const done = await postForm(
        target,
        pathOf(url),
        { username: 'Root', password: PASSWORD },
        { origin: 'null', 'sec-fetch-site': 'same-origin' },
      )
      expect(done.status).toBe(303)
      expect(done.headers.get('location')).toBe('/')
      const cookie = cookieSet(done, SESSION_COOKIE)
      expect(cookie).toBeTruthy()
      root = new SessionClient(target, cookie!)
      expect(await root.json('GET', '/api/v1/me')).toMatchObject({ kind: 'user', name: 'Root', role: 'admin' })

      const again = await fetch(url, { headers: { accept: 'text/html' } })
      expect(again.status).toBe(410)
      expect(await again.text()).toMatch(/cannot be used/)
      expect(
        (await postForm(target, pathOf(url), { username: 'other', password: PASSWORD }, { 'sec-fetch-site': 'same-origin' })).status,
      ).toBe(410)
      const users = await admin.json('GET', '/api/v1/users')
      expect(users.items.map((u: { username: string }) => u.username)).toEqual(['Root'])

      await target.restart()
      expect(target.setupUrl()).toBeNull()
      expect((await fetch(url)).status).toBe(410)
      // Sessions live in the database: they survive a restart.
      expect((await root.json('GET', '/api/v1/me')).name).toBe('Root')
    })

    it('refuses a forged setup token with 403', async () => {
      const forged = `${target.baseUrl}/setup/eyJhbGciOiJub25lIiwidHlwIjoiZnVzZWxpbmstc2V0dXArand0In0.e30.`
      expect((await fetch(forged, { headers: { accept: 'text/html' } })).status).toBe(403)
      await problem(await fetch(forged), 403, 'invalid_token')
    })
  })

  describe('sessions', () => {
    it('signs in: 201 {user, expiresAt} and the fuselink_session cookie (HttpOnly, SameSite=Lax, Path=/, not Secure on http)', async () => {
      const { username } = await newUser()
      const response = await fetch(`${target.baseUrl}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: username.toUpperCase(), password: PASSWORD }),
      })
      expect(response.status).toBe(201)
      const body = await response.json()
      expect(Object.keys(body).sort()).toEqual(['expiresAt', 'user'])
      expect(body.user).toMatchObject({ username, role: 'user', disabledAt: null })
      const expires = Date.parse(body.expiresAt)
      expect(expires - Date.now()).toBeGreaterThan(7 * 86400_000 - 60_000)
      expect(expires - Date.now()).toBeLessThan(7 * 86400_000 + 60_000)
      const [header] = response.headers.getSetCookie()
      const cookie = parseSetCookie(header!)
      expect(cookie.name).toBe(SESSION_COOKIE)
      expect(cookie.attributes.has('httponly')).toBe(true)
      expect(cookie.attributes.get('samesite')).toBe('Lax')
      expect(cookie.attributes.get('path')).toBe('/')
      expect(cookie.attributes.has('secure')).toBe(false)
      expect(Number(cookie.attributes.get('max-age'))).toBe(7 * 86400)
      expect(jwtHeader(cookie.value).typ).toBe('fuselink-session+jwt')
      const session = new SessionClient(target, cookie.value)
      expect(await session.json('GET', '/api/v1/me')).toEqual({ kind: 'user', id: body.user.id, name: username, role: 'user' })
    })

    it('answers a wrong password, an unknown username and a disabled user alike: 401 with the same body, in similar time', async () => {
      const { username } = await newUser()
      const disabled = await newUser()
      expect((await admin.request('DELETE', `/api/v1/users/${disabled.user.id}`)).status).toBe(204)
      const address = freshAddress()
      const attempt = async (name: string, password: string) => {
        const started = performance.now()
        const response = await signInFrom(target, address, name, password)
        const body = await problem(response, 401, 'unauthorized')
        expect(response.headers.getSetCookie()).toEqual([])
        return { body, ms: performance.now() - started }
      }
      const wrong = [await attempt(username, 'not the password'), await attempt(username, 'not the password either')]
      const unknown = [await attempt('nobody-by-this-name', PASSWORD), await attempt('nobody-else', PASSWORD)]
      const off = await attempt(disabled.username, PASSWORD)
      expect(unknown[0]!.body).toEqual(wrong[0]!.body)
      expect(off.body).toEqual(wrong[0]!.body)
      // The hash runs for unknown users too: no answer is several times faster than a wrong password.
      const slowestWrong = Math.max(...wrong.map((a) => a.ms))
      for (const a of [...unknown, off]) expect(a.ms).toBeGreaterThan(slowestWrong / 4)
    })

    it('signs out: that session stops at once, another of the same user does not', async () => {
      const { username, session } = await newUser()
      const second = await SessionClient.signIn(target, username, PASSWORD)
      const response = await session.request('DELETE', '/api/v1/sessions/current')
      expect(response.status).toBe(204)
      expect(parseSetCookie(response.headers.getSetCookie()[0]!).attributes.get('max-age')).toBe('0')
      await problem(await session.request('GET', '/api/v1/me'), 401, 'unauthorized')
      await second.json('GET', '/api/v1/me')
      // An API key has no session to end.
      await problem(await admin.request('DELETE', '/api/v1/sessions/current'), 404, 'not_found')
    })

    it('signs out everywhere: every session of the user stops at once', async () => {
      const { username, session } = await newUser()
      const second = await SessionClient.signIn(target, username, PASSWORD)
      expect((await session.request('DELETE', '/api/v1/sessions')).status).toBe(204)
      await problem(await session.request('GET', '/api/v1/me'), 401, 'unauthorized')
      await problem(await second.request('GET', '/api/v1/me'), 401, 'unauthorized')
      await SessionClient.signIn(target, username, PASSWORD)
    })

    it('never takes a session for a download token, nor a download token (or another token) for a session', async () => {
      const { session } = await newUser()
      const file = await admin.upload('confusion.txt', 'tokens of their own kind')
      const link = await admin.issue(file.id, { maxDownloads: 2 })
      for (const path of [`/d/${session.cookie}`, `/s/${session.cookie}`]) {
        await problem(await fetch(`${target.baseUrl}${path}`), 403, 'invalid_token')
      }
      await problem(await admin.request('POST', '/api/v1/links/revoke', { json: { token: session.cookie } }), 403, 'invalid_token')
      const asCookie = new SessionClient(target, link.token)
      await problem(await asCookie.request('GET', '/api/v1/me'), 401, 'unauthorized')
      await problem(await admin.request('GET', '/api/v1/me', { key: link.token }), 401, 'unauthorized')
      await problem(await admin.request('GET', '/api/v1/me', { key: session.cookie }), 401, 'unauthorized')
      const invite = await admin.json('POST', '/api/v1/users', { json: { username: `invited-${kind.runtime}-x`, role: 'admin' } }, 201)
      const inviteToken = invite.inviteUrl.split('/invite/')[1]
      await problem(await new SessionClient(target, inviteToken).request('GET', '/api/v1/me'), 401, 'unauthorized')
      await problem(await fetch(`${target.baseUrl}/d/${inviteToken}`), 403, 'invalid_token')
      expect((await admin.link(link.id)).downloads).toBe(0)
    })

    it('refuses a tampered or signed-out session cookie', async () => {
      const { session } = await newUser()
      const [header, payload, signature] = session.cookie.split('.')
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someoneelse' })).toString('base64url')}.${signature}`
      await problem(await new SessionClient(target, tampered).request('GET', '/api/v1/me'), 401, 'unauthorized')
      await problem(await new SessionClient(target, 'garbage').request('GET', '/api/v1/me'), 401, 'unauthorized')
    })
  })

  describe('CSRF: changes made with the session cookie', () => {
    it('pass only from this origin (Origin, or Sec-Fetch-Site: same-origin); reads and API keys are not affected', async () => {
      const { session } = await newUser()
      const file = await session.json('POST', '/api/v1/files?name=csrf.txt', { body: 'x', headers: { 'content-type': 'text/plain' } }, 201)
      const issue = (headers: Record<string, string>) =>
        session.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60 }, headers })
      const bare = new SessionClient(target, session.cookie, null)
      await problem(await bare.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60 } }), 403, 'forbidden')
      await problem(await issue({ origin: 'https://evil.example' }), 403, 'forbidden')
      await problem(
        await bare.request('POST', '/api/v1/links', {
          json: { fileId: file.id, expiresIn: 60 },
          headers: { 'sec-fetch-site': 'cross-site' },
        }),
        403,
        'forbidden',
      )
      await problem(await issue({ origin: 'null', 'sec-fetch-site': 'same-site' }), 403, 'forbidden')
      await problem(await bare.request('DELETE', '/api/v1/sessions'), 403, 'forbidden')
      expect((await admin.json('GET', `/api/v1/links?fileId=${file.id}`)).items).toEqual([])

      expect((await issue({})).status).toBe(201)
      expect((await issue({ origin: 'null', 'sec-fetch-site': 'same-origin' })).status).toBe(201)
      expect((await bare.request('GET', '/api/v1/me')).status).toBe(200)
      const withKey = await admin.request('POST', '/api/v1/links', {
        json: { fileId: file.id, expiresIn: 60 },
        headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      })
      expect(withKey.status).toBe(201)
    })

    it('signing in from another site is refused; a program (no Origin) may sign in', async () => {
      const { username } = await newUser()
      await problem(await signInFrom(target, '127.0.0.1', username, PASSWORD, { origin: 'https://evil.example' }), 403, 'forbidden')
      await problem(await signInFrom(target, '127.0.0.1', username, PASSWORD, { 'sec-fetch-site': 'cross-site' }), 403, 'forbidden')
      expect((await signInFrom(target, '127.0.0.1', username, PASSWORD, { 'sec-fetch-site': 'same-origin' })).status).toBe(201)
    })
  })

  describe('sign-in throttling (RATE_LIMIT=0 does not switch it off)', () => {
    it('after more than 10 failures on a username, addresses that failed get 429; a fresh address with the right password gets in', async () => {
      const { username } = await newUser()
      const guesser = freshAddress()
      for (let i = 0; i < 11; i++) await problem(await signInFrom(target, guesser, username, `wrong guess ${i}!`), 401, 'unauthorized')
      const refused = await signInFrom(target, guesser, username, PASSWORD)
      await problem(refused, 429, 'rate_limited')
      const retryAfter = Number(refused.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThan(0)
      expect(retryAfter).toBeLessThanOrEqual(15 * 60)
      // Another case of the same name is the same account.
      await problem(await signInFrom(target, guesser, username.toUpperCase(), PASSWORD), 429, 'rate_limited')

      const owner = freshAddress()
      const signedIn = await signInFrom(target, owner, username, PASSWORD)
      expect(signedIn.status).toBe(201)
      expect(cookieSet(signedIn, SESSION_COOKIE)).toBeTruthy()
      // A new address may try, once: after failing it is refused too.
      const another = freshAddress()
      await problem(await signInFrom(target, another, username, 'another wrong guess'), 401, 'unauthorized')
      await problem(await signInFrom(target, another, username, PASSWORD), 429, 'rate_limited')
      // The owner, having failed nowhere, still gets in.
      expect((await signInFrom(target, owner, username, PASSWORD)).status).toBe(201)
    })

    it('after more than 30 failures from one address, on any usernames, that address gets 429', async () => {
      const address = freshAddress()
      for (let i = 0; i < 31; i++) await problem(await signInFrom(target, address, `stranger-${i}`, 'wrong password'), 401, 'unauthorized')
      const { username } = await newUser()
      await problem(await signInFrom(target, address, username, PASSWORD), 429, 'rate_limited')
      expect((await signInFrom(target, freshAddress(), username, PASSWORD)).status).toBe(201)
    })
  })

  describe('invites', () => {
    it('a user made without a password gets a single-use invite page; choosing a password signs it in', async () => {
      const username = `invitee-${kind.runtime}`
      const created = await admin.json('POST', '/api/v1/users', { json: { username, role: 'user' } }, 201)
      expect(Object.keys(created).sort()).toEqual(['createdAt', 'disabledAt', 'id', 'inviteUrl', 'role', 'username'])
      expect(created.inviteUrl).toMatch(new RegExp(`^${target.baseUrl}/invite/[A-Za-z0-9_.-]+$`))
      expect(jwtHeader(created.inviteUrl.split('/invite/')[1]).typ).toBe('fuselink-invite+jwt')
      // Not usable before the password is chosen.
      await problem(await signInFrom(target, freshAddress(), username, PASSWORD), 401, 'unauthorized')

      const page = await fetch(created.inviteUrl)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain(username)
      expect(html).toMatch(/name="password"/)
      const path = pathOf(created.inviteUrl)
      expect((await postForm(target, path, { password: PASSWORD })).status).toBe(403)
      expect((await postForm(target, path, { password: 'short' }, { 'sec-fetch-site': 'same-origin' })).status).toBe(400)
      const done = await postForm(target, path, { password: PASSWORD }, { origin: new URL(target.baseUrl).origin })
      expect(done.status).toBe(303)
      const session = new SessionClient(target, cookieSet(done, SESSION_COOKIE)!)
      expect(await session.json('GET', '/api/v1/me')).toMatchObject({ kind: 'user', id: created.id, name: username, role: 'user' })

      expect((await fetch(created.inviteUrl)).status).toBe(410)
      expect((await postForm(target, path, { password: 'a different password' }, { 'sec-fetch-site': 'same-origin' })).status).toBe(410)
      await SessionClient.signIn(target, username, PASSWORD)
    })

    it('an invite stops when its user is disabled', async () => {
      const created = await admin.json('POST', '/api/v1/users', { json: { username: `invitee-off-${kind.runtime}`, role: 'user' } }, 201)
      expect((await admin.request('DELETE', `/api/v1/users/${created.id}`)).status).toBe(204)
      expect((await fetch(created.inviteUrl)).status).toBe(410)
    })
  })

  describe('users', () => {
    it('creates users with a password (no invite), refuses a taken name in any case (409) and bad fields (400)', async () => {
      const username = `Casey-${kind.runtime}`
      const created = await admin.json('POST', '/api/v1/users', { json: { username, role: 'admin', password: PASSWORD } }, 201)
      expect(created).not.toHaveProperty('inviteUrl')
      expect(created).toMatchObject({ username, role: 'admin', disabledAt: null })
      await problem(
        await admin.request('POST', '/api/v1/users', { json: { username: username.toLowerCase(), role: 'user' } }),
        409,
        'conflict',
      )
      for (const body of [
        { username: 'ab', role: 'user' },
        { username: 'has space', role: 'user' },
        { username: 'x'.repeat(65), role: 'user' },
        { username: 'fine-name', role: 'root' },
        { username: 'fine-name', role: 'user', password: 'too short' },
        { username: 'fine-name', role: 'user', password: 'x'.repeat(1025) },
      ]) {
        await problem(await admin.request('POST', '/api/v1/users', { json: body }), 400, 'invalid_request')
      }
      const session = await SessionClient.signIn(target, username, PASSWORD)
      expect((await session.json('GET', '/api/v1/me')).role).toBe('admin')
    })

    it('lists users for admins; a user on admin routes gets 403', async () => {
      const { session, user } = await newUser()
      const list = await root.json('GET', '/api/v1/users?limit=100')
      expect(list.items.map((u: { id: string }) => u.id)).toContain(user.id)
      for (const item of list.items) expect(item).not.toHaveProperty('passwordHash')
      await problem(await session.request('GET', '/api/v1/users'), 403, 'forbidden')
      await problem(await session.request('POST', '/api/v1/users', { json: { username: 'sneaky', role: 'admin' } }), 403, 'forbidden')
      await problem(await session.request('DELETE', `/api/v1/users/${user.id}`), 403, 'forbidden')
      await problem(await session.request('POST', '/api/v1/files/import', { json: { key: 'x' } }), 403, 'forbidden')
    })

    it('disabling a user ends its sessions and stops its keys at once; it can no longer sign in', async () => {
      const { user, username, session } = await newUser()
      const key = await session.json('POST', '/api/v1/keys', { json: { name: 'laptop', role: 'user' } }, 201)
      const asKey = new Api(target, key.key)
      await asKey.json('GET', '/api/v1/files')
      expect((await root.request('DELETE', `/api/v1/users/${user.id}`)).status).toBe(204)
      expect((await root.request('DELETE', `/api/v1/users/${user.id}`)).status).toBe(204)
      await problem(await session.request('GET', '/api/v1/me'), 401, 'unauthorized')
      await problem(await asKey.request('GET', '/api/v1/files'), 401, 'unauthorized')
      await problem(await signInFrom(target, freshAddress(), username, PASSWORD), 401, 'unauthorized')
      const listed = (await admin.json('GET', '/api/v1/users?limit=100')).items.find((u: { id: string }) => u.id === user.id)
      expect(typeof listed.disabledAt).toBe('string')
      expect(
        (await admin.json('GET', '/api/v1/keys?limit=100')).items.find((k: { id: string }) => k.id === key.id).disabledAt,
      ).not.toBeNull()
      await problem(await root.request('DELETE', '/api/v1/users/nosuchuser'), 404, 'not_found')
    })
  })

  describe('password change', () => {
    it('needs the current password (403 wrong_password), ends the other sessions, keeps this one', async () => {
      const { username, session } = await newUser()
      const other = await SessionClient.signIn(target, username, PASSWORD)
      await problem(
        await session.request('POST', '/api/v1/me/password', { json: { current: 'not my password', new: 'a brand new password' } }),
        403,
        'wrong_password',
      )
      await problem(
        await session.request('POST', '/api/v1/me/password', { json: { current: PASSWORD, new: 'short' } }),
        400,
        'invalid_request',
      )
      await other.json('GET', '/api/v1/me')
      const changed = await session.request('POST', '/api/v1/me/password', { json: { current: PASSWORD, new: 'a brand new password' } })
      expect(changed.status).toBe(204)
      await session.json('GET', '/api/v1/me')
      await problem(await other.request('GET', '/api/v1/me'), 401, 'unauthorized')
      await problem(await signInFrom(target, freshAddress(), username, PASSWORD), 401, 'unauthorized')
      await SessionClient.signIn(target, username, 'a brand new password')
      // A key that belongs to no user has no password.
      await problem(await admin.request('POST', '/api/v1/me/password', { json: { current: PASSWORD, new: PASSWORD } }), 403, 'forbidden')
    })
  })

  describe('keys and ownership', () => {
    it('a user makes user keys that act as it, lists and disables only its own; admin keys are refused', async () => {
      const alice = await newUser()
      const bob = await newUser()
      await problem(await alice.session.request('POST', '/api/v1/keys', { json: { name: 'root', role: 'admin' } }), 403, 'forbidden')
      const key = await alice.session.json('POST', '/api/v1/keys', { json: { name: 'alice laptop', role: 'user' } }, 201)
      expect(Object.keys(key).sort()).toEqual(['id', 'key', 'name', 'role'])
      const aliceKey = new Api(target, key.key)
      expect(await aliceKey.json('GET', '/api/v1/me')).toEqual({ kind: 'api_key', id: key.id, name: 'alice laptop', role: 'user' })
      // A user's key makes keys for that user too.
      const second = await aliceKey.json('POST', '/api/v1/keys', { json: { name: 'alice ci', role: 'user' } }, 201)

      const listed = await alice.session.json('GET', '/api/v1/keys')
      expect(listed.items.map((k: { id: string }) => k.id).sort()).toEqual([key.id, second.id].sort())
      for (const item of listed.items) {
        expect(item.owner).toEqual({ kind: 'user', id: alice.user.id, name: alice.username })
        expect(item).not.toHaveProperty('key')
        expect(item).not.toHaveProperty('hash')
      }
      expect((await bob.session.json('GET', '/api/v1/keys')).items).toEqual([])
      await problem(await bob.session.request('DELETE', `/api/v1/keys/${key.id}`), 404, 'not_found')
      await aliceKey.json('GET', '/api/v1/files')

      // What the key uploads belongs to the user, and the other way round.
      const byKey = await aliceKey.upload('from-key.txt', 'k')
      const bySession = await alice.session.json('POST', '/api/v1/files?name=from-session.txt', { body: 's' }, 201)
      expect((await alice.session.json('GET', '/api/v1/files')).items.map((f: { id: string }) => f.id).sort()).toEqual(
        [byKey.id, bySession.id].sort(),
      )
      expect((await aliceKey.json('GET', '/api/v1/files')).items).toHaveLength(2)
      const link = await alice.session.json('POST', '/api/v1/links', { json: { fileId: byKey.id, expiresIn: 60 } }, 201)
      await problem(await bob.session.request('GET', `/api/v1/files/${byKey.id}`), 404, 'not_found')
      await problem(await bob.session.request('GET', `/api/v1/links/${link.id}`), 404, 'not_found')
      await problem(await bob.session.request('DELETE', `/api/v1/links/${link.id}`), 404, 'not_found')
      expect((await bob.session.json('GET', '/api/v1/files')).items).toEqual([])
      expect((await root.json('GET', `/api/v1/links/${link.id}`)).id).toBe(link.id)

      expect((await alice.session.request('DELETE', `/api/v1/keys/${second.id}`)).status).toBe(204)
      await problem(await new Api(target, second.key).request('GET', '/api/v1/files'), 401, 'unauthorized')
      await problem(await alice.session.request('DELETE', '/api/v1/keys/nosuchkey0'), 404, 'not_found')
    })

    it('admins see every key with its owner; keys made by a key with no user belong to that key', async () => {
      const program = await admin.json('POST', '/api/v1/keys', { json: { name: 'billing', role: 'admin' } }, 201)
      const programApi = new Api(target, program.key)
      const made = await programApi.json('POST', '/api/v1/keys', { json: { name: 'billing worker', role: 'user' } }, 201)
      const all = await root.json('GET', '/api/v1/keys?limit=100')
      const byId = new Map(all.items.map((k: { id: string }) => [k.id, k]))
      expect(byId.get(program.id)).toMatchObject({
        name: 'billing',
        role: 'admin',
        owner: { kind: 'api_key', id: 'admin', name: 'ADMIN_API_KEY' },
      })
      expect(byId.get(made.id)).toMatchObject({ owner: { kind: 'api_key', id: program.id, name: 'billing' }, disabledAt: null })
      // An admin user makes admin keys, which belong to it.
      const rootKey = await root.json('POST', '/api/v1/keys', { json: { name: 'root automation', role: 'admin' } }, 201)
      const rootMe = await root.json('GET', '/api/v1/me')
      expect((await root.json('GET', '/api/v1/keys?limit=100')).items.find((k: { id: string }) => k.id === rootKey.id).owner).toEqual({
        kind: 'user',
        id: rootMe.id,
        name: 'Root',
      })
      // A user key that belongs to no user manages no keys, as before accounts.
      const loose = new Api(target, made.key)
      await problem(await loose.request('GET', '/api/v1/keys'), 403, 'forbidden')
      await problem(await loose.request('POST', '/api/v1/keys', { json: { name: 'x', role: 'user' } }), 403, 'forbidden')
      expect(await loose.json('GET', '/api/v1/me')).toEqual({ kind: 'api_key', id: made.id, name: 'billing worker', role: 'user' })
      expect(await admin.json('GET', '/api/v1/me')).toEqual({ kind: 'api_key', id: 'admin', name: 'ADMIN_API_KEY', role: 'admin' })
    })
  })

  describe('link messages', () => {
    it('are carried in the link answer and shown, escaped, with the sender’s name on the page, never to previewers', async () => {
      const alice = await newUser()
      const file = await alice.session.json(
        'POST',
        '/api/v1/files?name=minutes.pdf',
        { body: 'pdf', headers: { 'content-type': 'application/pdf' } },
        201,
      )
      const message = 'Minutes <b>attached</b> & "signed"'
      const link = await alice.session.json('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 600, message } }, 201)
      expect(link).toMatchObject({ message, passwordProtected: false })
      expect((await alice.session.json('GET', `/api/v1/links/${link.id}`)).message).toBe(message)
      expect((await alice.session.json('GET', '/api/v1/links')).items[0]).toMatchObject({ id: link.id, message })
      const plain = await alice.session.json('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 600 } }, 201)
      expect(plain.message).toBeNull()

      const html = await (await fetch(link.url, { headers: { accept: 'text/html' } })).text()
      expect(html).toContain('Minutes &lt;b&gt;attached&lt;/b&gt; &amp; &quot;signed&quot;')
      expect(html).not.toContain('<b>attached</b>')
      expect(html).toContain(alice.username)
      const preview = await (
        await fetch(link.url, { headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' } })
      ).text()
      expect(preview).not.toContain('attached')
      expect(preview).not.toContain(alice.username)
      await problem(
        await alice.session.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60, message: 'x'.repeat(501) } }),
        400,
        'invalid_request',
      )
    })
  })

  describe('link passwords', () => {
    const data = bytes(50_000, 77)
    const linkPassword = 'open sesame 2026'
    const protectedLink = async (options: Record<string, unknown> = {}) => {
      const file = await admin.upload('secret.bin', data)
      return admin.issue(file.id, { password: linkPassword, maxDownloads: 3, ...options })
    }

    it('are 10–1024 characters; the link says passwordProtected', async () => {
      const file = await admin.upload('p.txt', 'p')
      await problem(
        await admin.request('POST', '/api/v1/links', { json: { fileId: file.id, expiresIn: 60, password: 'short' } }),
        400,
        'invalid_request',
      )
      const link = await protectedLink()
      expect(link.passwordProtected).toBe(true)
      expect((await admin.link(link.id)).passwordProtected).toBe(true)
      expect((await admin.issue(file.id)).passwordProtected).toBe(false)
    })

    it('missing: 401 password_required; wrong: 403 wrong_password; neither consumes; the header or the form field (urlencoded or multipart) opens it', async () => {
      const link = await protectedLink()
      await problem(await fetch(link.downloadUrl), 401, 'password_required')
      await problem(await fetch(link.downloadUrl, { method: 'POST' }), 401, 'password_required')
      expect((await fetch(link.downloadUrl, { method: 'HEAD' })).status).toBe(401)
      const address = freshAddress()
      await problem(
        await fromAddress(address, link.downloadUrl, { headers: { 'link-password': 'not the password' } }),
        403,
        'wrong_password',
      )
      await problem(
        await fromAddress(address, link.downloadUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'password=not+the+password',
        }),
        403,
        'wrong_password',
      )
      expect((await admin.link(link.id)).downloads).toBe(0)

      const head = await fetch(link.downloadUrl, { method: 'HEAD', headers: { 'link-password': linkPassword } })
      expect(head.status).toBe(200)
      expect(head.headers.get('content-length')).toBe(String(data.length))
      const byHeader = await fetch(link.downloadUrl, { headers: { 'link-password': linkPassword } })
      expect(byHeader.status).toBe(200)
      expect(Buffer.from(await byHeader.arrayBuffer())).toEqual(Buffer.from(data))
      const byForm = await fetch(`${link.downloadUrl}?via=page`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ password: linkPassword }).toString(),
      })
      expect(byForm.status).toBe(200)
      expect(Buffer.from(await byForm.arrayBuffer())).toEqual(Buffer.from(data))
      const multipart = new FormData()
      multipart.set('password', linkPassword)
      const byMultipartForm = await fetch(link.downloadUrl, { method: 'POST', body: multipart })
      expect(byMultipartForm.status).toBe(200)
      expect(Buffer.from(await byMultipartForm.arrayBuffer())).toEqual(Buffer.from(data))
      expect((await admin.link(link.id)).downloads).toBe(3)
    })

    it('the page asks for it, names no file, and comes back saying so after a wrong password', async () => {
      const link = await protectedLink()
      const page = await fetch(link.url, { headers: { accept: 'text/html' } })
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toMatch(/<input[^>]+name="password"[^>]*type="password"|<input[^>]+type="password"[^>]*name="password"/)
      expect(html).not.toContain('secret.bin')
      const direct = await fetch(link.downloadUrl, { headers: { accept: 'text/html' } })
      expect(direct.status).toBe(401)
      expect(await direct.text()).toMatch(/name="password"/)
      const wrong = await fromAddress(freshAddress(), `${link.downloadUrl}?via=page`, {
        method: 'POST',
        headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'password=guess+guess+guess',
      })
      expect(wrong.status).toBe(403)
      const again = await wrong.text()
      expect(again).toMatch(/not right/)
      expect(again).toMatch(/name="password"/)
      // Previewers and prefetches still get the page and count nothing.
      const preview = await fetch(link.downloadUrl, {
        headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
      })
      expect(preview.status).toBe(200)
      expect(await preview.text()).not.toContain('secret.bin')
      expect((await admin.link(link.id)).downloads).toBe(0)
    })

    it('a download started by the form leaves a proof that lets the browser resume it with a Range, and only resume', async () => {
      const link = await protectedLink({ maxDownloads: 2 })
      // A download cut after its first 1000 bytes (a Range from 0 counts it as one).
      const started = await fetch(`${link.downloadUrl}?via=page`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', range: 'bytes=0-999' },
        body: new URLSearchParams({ password: linkPassword }).toString(),
      })
      expect(started.status).toBe(206)
      expect(Buffer.from(await started.arrayBuffer())).toEqual(Buffer.from(data.subarray(0, 1000)))
      const proof = started.headers
        .getSetCookie()
        .map(parseSetCookie)
        .find((cookie) => cookie.name === 'fuselink_resume')!
      expect(proof).toBeDefined()
      expect(proof.attributes.get('path')).toBe(pathOf(link.downloadUrl))
      expect(proof.attributes.has('httponly')).toBe(true)
      expect(jwtHeader(proof.value).typ).toBe('fuselink-resume+jwt')
      const cookie = `fuselink_resume=${proof.value}`
      // The browser's resume: GET, a Range after byte 0, the form's address, no form.
      const resumed = await fetch(`${link.downloadUrl}?via=page`, { headers: { cookie, range: 'bytes=1000-' } })
      expect(resumed.status).toBe(206)
      expect(Buffer.from(await resumed.arrayBuffer())).toEqual(Buffer.from(data.subarray(1000)))
      expect((await admin.link(link.id)).downloads).toBe(1)
      // The proof is no password: not for a download from byte 0, nor for another link.
      await problem(await fetch(link.downloadUrl, { headers: { cookie } }), 401, 'password_required')
      await problem(await fetch(link.downloadUrl, { headers: { cookie, range: 'bytes=0-' } }), 401, 'password_required')
      const other = await protectedLink()
      await problem(await fetch(other.downloadUrl, { headers: { cookie, range: 'bytes=10-' } }), 401, 'password_required')
      await problem(await new SessionClient(target, proof.value).request('GET', '/api/v1/me'), 401, 'unauthorized')
    })

    it('are throttled per link: after more than 10 wrong ones, addresses that failed get 429; the right one from elsewhere works', async () => {
      const link = await protectedLink()
      const guesser = freshAddress()
      for (let i = 0; i < 11; i++) {
        await problem(
          await fromAddress(guesser, link.downloadUrl, { headers: { 'link-password': `wrong guess ${i}` } }),
          403,
          'wrong_password',
        )
      }
      const refused = await fromAddress(guesser, link.downloadUrl, { headers: { 'link-password': linkPassword } })
      await problem(refused, 429, 'rate_limited')
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      const ok = await fromAddress(freshAddress(), link.downloadUrl, { headers: { 'link-password': linkPassword } })
      expect(ok.status).toBe(200)
      expect((await admin.link(link.id)).downloads).toBe(1)
    })
  })

  describe('with PUBLIC_URL on https', () => {
    const PUBLIC = 'https://files.example.test'
    let edge: ServiceTarget
    let edgeAdmin: Api
    beforeAll(async () => {
      edge = await kind.start({ env: { PUBLIC_URL: PUBLIC, RATE_LIMIT: '0' } })
      edgeAdmin = new Api(edge)
    })
    afterAll(async () => {
      await edge?.stop()
    })

    it('the setup link stops working once any user exists (the first admin made with ADMIN_API_KEY instead)', async () => {
      const url = edge.setupUrl()!
      expect(url.startsWith(`${PUBLIC}/setup/`)).toBe(true)
      expect((await fetch(`${edge.baseUrl}${pathOf(url)}`)).status).toBe(200)
      const first = await edgeAdmin.json('POST', '/api/v1/users', { json: { username: 'first-admin', role: 'admin' } }, 201)
      expect(first.inviteUrl.startsWith(`${PUBLIC}/invite/`)).toBe(true)
      expect((await fetch(`${edge.baseUrl}${pathOf(url)}`)).status).toBe(410)
      expect((await postForm(edge, pathOf(url), { username: 'late', password: PASSWORD }, { origin: PUBLIC })).status).toBe(410)
      const accepted = await postForm(edge, pathOf(first.inviteUrl), { password: PASSWORD }, { origin: PUBLIC })
      expect(accepted.status).toBe(303)
      // The cookie is Secure when PUBLIC_URL is https.
      const cookie = parseSetCookie(accepted.headers.getSetCookie()[0]!)
      expect(cookie.attributes.has('secure')).toBe(true)
    })

    it('cookies are Secure, and the same-origin check compares with PUBLIC_URL, not the address reached', async () => {
      const signedIn = await fetch(`${edge.baseUrl}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'first-admin', password: PASSWORD }),
      })
      expect(signedIn.status).toBe(201)
      const cookie = parseSetCookie(signedIn.headers.getSetCookie()[0]!)
      expect(cookie.attributes.has('secure')).toBe(true)
      const reached = new SessionClient(edge, cookie.value, new URL(edge.baseUrl).origin)
      await problem(await reached.request('POST', '/api/v1/keys', { json: { name: 'k', role: 'user' } }), 403, 'forbidden')
      const fromPublic = new SessionClient(edge, cookie.value, PUBLIC)
      expect((await fromPublic.request('POST', '/api/v1/keys', { json: { name: 'k', role: 'user' } })).status).toBe(201)
    })
  })

  describe('expiry of setup links and invites', () => {
    let short: ServiceTarget
    beforeAll(async () => {
      short = await kind.start({ env: { SETUP_TTL: String(SHORT_TTL), INVITE_TTL: String(SHORT_TTL), RATE_LIMIT: '0' } })
    })
    afterAll(async () => {
      await short?.stop()
    })

    const expired = async (url: string) => {
      const page = await fetch(url, { headers: { accept: 'text/html' } })
      expect(page.status).toBe(410)
      expect(await page.text()).toMatch(/expired/)
      const origin = { origin: new URL(short.baseUrl).origin }
      expect((await postForm(short, pathOf(url), { username: 'someone', password: PASSWORD }, origin)).status).toBe(410)
    }

    it('an expired setup link answers 410 with a page that says so, and creates no one', async () => {
      // Valid SHORT_TTL seconds from the start; no user exists, so only time can end it.
      const setup = short.setupUrl()!
      expect((await fetch(setup)).status).toBe(200)
      await sleep(SHORT_TTL * 1000 + 1100)
      await expired(setup)
      expect((await new Api(short).json('GET', '/api/v1/users')).items).toEqual([])
    })

    it('an expired invite answers 410 with a page that says so, and sets no password', async () => {
      const api = new Api(short)
      const invite = (await api.json('POST', '/api/v1/users', { json: { username: 'late-invitee', role: 'user' } }, 201)).inviteUrl
      expect((await fetch(invite)).status).toBe(200)
      await sleep(SHORT_TTL * 1000 + 1100)
      await expired(invite)
      await problem(await signInFrom(short, freshAddress(), 'late-invitee', PASSWORD), 401, 'unauthorized')
    })
  })
}
