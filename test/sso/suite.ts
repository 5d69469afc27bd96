import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from '../support/api'
import { plannedProvider, startTestProvider, type TestProvider } from '../support/oidc-provider'
import { SESSION_COOKIE, SessionClient } from '../support/session'
import type { ServiceTarget, TargetKind } from '../support/target'

/**
 * Single sign-on (docs/sso.md) against a real OpenID provider on loopback:
 * its bearer JWTs on /api/v1, users made on first sight by iss+sub, and
 * every kind of token that must not pass. Run unchanged on every runtime.
 */
export function defineSsoSuite(kind: TargetKind) {
  const PASSWORD = 'correct horse battery'
  let target: ServiceTarget
  let provider: TestProvider
  let admin: Api

  const me = (token: string) => new Api(target, token).request('GET', '/api/v1/me')
  const refused = async (token: string) => {
    const response = await me(token)
    expect(response.status).toBe(401)
    expect((await response.json()).code).toBe('unauthorized')
  }
  /** A token the provider's own key signs, with claims of the test's choosing. */
  const forge = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({ sub: 'forged', aud: provider.audience, iss: provider.issuer, iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: provider.signingJwk.kid, typ: 'at+jwt', ...header })
      .sign(await importJWK(provider.signingJwk, 'RS256'))
  }
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const parts = (token: string) => token.split('.') as [string, string, string]
  const payloadOf = (token: string) => JSON.parse(Buffer.from(parts(token)[1], 'base64url').toString())

  beforeAll(async () => {
    const plan = await plannedProvider()
    target = await kind.start({
      env: {
        RATE_LIMIT: '0',
        OIDC_ISSUER: plan.issuer,
        OIDC_AUDIENCE: plan.audience,
        OIDC_CLIENT_ID: plan.clientId,
        OIDC_CLIENT_SECRET: plan.clientSecret,
      },
    })
    provider = await startTestProvider(plan, `${target.baseUrl}/sign-in/sso/callback`)
    admin = new Api(target)
  })
  afterAll(async () => {
    await target?.stop()
    await provider?.close()
  })

  describe('bearer JWTs of the provider on /api/v1', () => {
    it('make the person a user on first sight, with the role of the claim, and find the same user after', async () => {
      provider.accounts.set('ada', { role: 'admin', preferred_username: 'ada' })
      const token = await provider.accessToken('ada')
      const first = await me(token)
      expect(first.status).toBe(200)
      const user = await first.json()
      expect(user).toMatchObject({ kind: 'user', name: 'ada', role: 'admin' })

      const again = await new Api(target, await provider.accessToken('ada')).json('GET', '/api/v1/me')
      expect(again).toEqual(user)
      const rows = await target.query<{ issuer: string; subject: string; user_id: string }>(
        'SELECT issuer, subject, user_id FROM identities',
      )
      expect(rows.filter((row) => row.subject === 'ada')).toEqual([{ issuer: provider.issuer, subject: 'ada', user_id: user.id }])
      // An admin by the provider's word may do what admins do.
      expect((await new Api(target, token).request('GET', '/api/v1/users')).status).toBe(200)
    })

    it('give `user` for any other role, none, or an array without admin; `admin` for an array holding it', async () => {
      provider.accounts.set('bob', { role: 'owner', preferred_username: 'bob' })
      provider.accounts.set('cy', { preferred_username: 'cy.m' })
      provider.accounts.set('dee', { role: ['viewer', 'admin'], preferred_username: 'dee' })
      provider.accounts.set('eve', { role: ['viewer'], email: 'eve@example.test' })
      const role = async (account: string) => (await new Api(target, await provider.accessToken(account)).json('GET', '/api/v1/me')).role
      expect(await role('bob')).toBe('user')
      expect(await role('cy')).toBe('user')
      expect(await role('dee')).toBe('admin')
      expect(await role('eve')).toBe('user')
      const bob = new Api(target, await provider.accessToken('bob'))
      expect((await bob.request('GET', '/api/v1/users')).status).toBe(403)
    })

    it('follow the provider when it changes the role', async () => {
      provider.accounts.set('flo', { role: 'admin', preferred_username: 'flo' })
      expect((await new Api(target, await provider.accessToken('flo')).json('GET', '/api/v1/me')).role).toBe('admin')
      provider.accounts.set('flo', { role: 'user', preferred_username: 'flo' })
      const after = await new Api(target, await provider.accessToken('flo')).json('GET', '/api/v1/me')
      expect(after.role).toBe('user')
      const [row] = await target.query<{ role: string }>('SELECT role FROM users WHERE id = ?', [after.id])
      expect(row!.role).toBe('user')
    })

    it('never take over a local username: the person gets another one', async () => {
      const local = await admin.json('POST', '/api/v1/users', { json: { username: 'gus', role: 'user', password: PASSWORD } }, 201)
      provider.accounts.set('gus-at-idp', { role: 'admin', preferred_username: 'gus' })
      const person = await new Api(target, await provider.accessToken('gus-at-idp')).json('GET', '/api/v1/me')
      expect(person.id).not.toBe(local.id)
      expect(person.name).toMatch(/^gus-[0-9a-f]{8}$/)
      expect(person.role).toBe('admin')
      const session = await SessionClient.signIn(target, 'gus', PASSWORD)
      expect((await session.json('GET', '/api/v1/me')).role).toBe('user')
    })

    it('refuse a disabled user', async () => {
      provider.accounts.set('hal', { preferred_username: 'hal' })
      const token = await provider.accessToken('hal')
      const user = await new Api(target, token).json('GET', '/api/v1/me')
      expect((await admin.request('DELETE', `/api/v1/users/${user.id}`)).status).toBe(204)
      await refused(token)
    })

    it('refuse a token for another audience, of another issuer, expired, or not yet valid', async () => {
      provider.accounts.set('ivy', { preferred_username: 'ivy' })
      await refused(await provider.accessToken('ivy', provider.otherAudience))
      await refused(await forge({ iss: 'https://impostor.example.test' }))
      await refused(await forge({ exp: Math.floor(Date.now() / 1000) - 120 }))
      await refused(await forge({ nbf: Math.floor(Date.now() / 1000) + 600 }))
      // The same forge with nothing wrong passes: the refusals above are for their one fault.
      expect((await me(await forge({ sub: 'forged-but-right' }))).status).toBe(200)
    })

    it('refuse a tampered token, `alg: none`, HS256 keyed with the public key, and a key not in the JWKS', async () => {
      provider.accounts.set('jo', { role: 'user', preferred_username: 'jo' })
      const real = await provider.accessToken('jo')
      const [header, , signature] = parts(real)
      await refused(`${header}.${encode({ ...payloadOf(real), role: 'admin' })}.${signature}`)
      await refused(`${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(payloadOf(real))}.`)
      const publicJwk = { kty: 'RSA', n: provider.signingJwk.n, e: provider.signingJwk.e }
      const hs = await new SignJWT(payloadOf(real))
        .setProtectedHeader({ alg: 'HS256', kid: provider.signingJwk.kid })
        .sign(new TextEncoder().encode(JSON.stringify(publicJwk)))
      await refused(hs)
      const { privateKey } = await generateKeyPair('RS256', { extractable: true })
      const stranger = async (kid: string) =>
        new SignJWT(payloadOf(real)).setProtectedHeader({ alg: 'RS256', kid }).sign(await importJWK(await exportJWK(privateKey), 'RS256'))
      await refused(await stranger('unknown-key'))
      await refused(await stranger(provider.signingJwk.kid))
    })

    it('keep fuselink tokens and the provider’s apart: neither passes as the other', async () => {
      const session = await SessionClient.signIn(target, 'gus', PASSWORD)
      await refused(session.cookie)
      // A fuselink-typed token signed by the provider's own key is refused too.
      await refused(await forge({ sub: 'typed' }, { typ: 'fuselink-session+jwt' }))

      provider.accounts.set('kit', { preferred_username: 'kit' })
      const token = await provider.accessToken('kit')
      const asCookie = await fetch(`${target.baseUrl}/api/v1/me`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } })
      expect(asCookie.status).toBe(401)
      const asLink = await fetch(`${target.baseUrl}/d/${token}`)
      expect(asLink.status).toBeGreaterThanOrEqual(400)
      expect(asLink.status).toBeLessThan(500)
      expect(asLink.headers.get('content-disposition')).toBeNull()
    })
  })

  describe('people: "Sign in with …" through the authorization code flow', () => {
    const cookieOf = (response: Response, name: string) => {
      const line = response.headers.getSetCookie().find((header) => header.startsWith(`${name}=`))
      return line ? { value: line.slice(name.length + 1).split(';')[0]!, attributes: line } : null
    }
    /** Starts a sign-in as a browser would: the provider's URL, and the cookie that holds this sign-in. */
    const start = async () => {
      const response = await fetch(`${target.baseUrl}/sign-in/sso`, { redirect: 'manual' })
      expect(response.status).toBe(302)
      const cookie = cookieOf(response, 'fuselink_sso')
      expect(cookie).not.toBeNull()
      return { location: response.headers.get('location')!, cookie: `fuselink_sso=${cookie!.value}`, attributes: cookie!.attributes }
    }
    const comeBack = (url: string, cookie: string | null) => fetch(url, { headers: cookie === null ? {} : { cookie }, redirect: 'manual' })
    const endsOnSignIn = async (response: Response, reason: string, sentence: RegExp) => {
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toBe(`/?sso=${reason}`)
      expect(cookieOf(response, SESSION_COOKIE)).toBeNull()
      const page = await (await fetch(`${target.baseUrl}/?sso=${reason}`)).text()
      expect(page).toMatch(sentence)
    }

    it('shows the button on the sign-in page', async () => {
      const page = await (await fetch(`${target.baseUrl}/`)).text()
      expect(page).toMatch(/<a class="sso-button" id="signin-sso" href="\/sign-in\/sso">Sign in with 127\.0\.0\.1<\/a>/)
    })

    it('sends the browser to the provider with PKCE (S256), state and nonce, the sign-in kept in a short-lived HttpOnly cookie', async () => {
      const { location, attributes } = await start()
      const url = new URL(location)
      expect(url.origin + url.pathname).toBe(`${provider.issuer}/auth`)
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        response_type: 'code',
        client_id: provider.clientId,
        redirect_uri: `${target.baseUrl}/sign-in/sso/callback`,
        code_challenge_method: 'S256',
      })
      for (const name of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(name)).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(attributes).toMatch(/HttpOnly/i)
      expect(attributes).toMatch(/Path=\/sign-in\/sso/)
      expect(attributes).toMatch(/Max-Age=600/)
    })

    it('signs the person in with the session cookie and lands on the app; the same person is the same user', async () => {
      provider.accounts.set('lea', { role: 'admin', preferred_username: 'lea', email: 'lea@example.test' })
      const { location, cookie } = await start()
      const back = await provider.authorize(location, 'lea')
      expect(back.startsWith(`${target.baseUrl}/sign-in/sso/callback?`)).toBe(true)
      const landed = await comeBack(back, cookie)
      expect(landed.status).toBe(303)
      expect(landed.headers.get('location')).toBe('/')
      const session = cookieOf(landed, SESSION_COOKIE)
      expect(session?.attributes).toMatch(/HttpOnly/i)
      const client = new SessionClient(target, session!.value)
      const user = await client.json('GET', '/api/v1/me')
      expect(user).toMatchObject({ kind: 'user', name: 'lea', role: 'admin' })
      expect((await client.request('GET', '/')).status).toBe(200)
      // The bearer path knows the same person as the same user.
      expect((await new Api(target, await provider.accessToken('lea')).json('GET', '/api/v1/me')).id).toBe(user.id)

      // The code, used once, does not sign anyone in a second time.
      await endsOnSignIn(await comeBack(back, cookie), 'refused', /could not be verified/)
    })

    it('refuses a callback whose state is not this browser’s, that no sign-in of this browser started, or that names another issuer', async () => {
      provider.accounts.set('max', { preferred_username: 'max' })
      const { location, cookie } = await start()
      const back = new URL(await provider.authorize(location, 'max'))
      const forged = new URL(back)
      forged.searchParams.set('state', 'A'.repeat(43))
      await endsOnSignIn(await comeBack(forged.toString(), cookie), 'refused', /could not be verified/)
      await endsOnSignIn(await comeBack(back.toString(), null), 'expired', /took too long or was started in another browser/)
      // RFC 9207: an answer naming another issuer is a mix-up, whatever else it carries.
      expect(back.searchParams.get('iss')).toBe(provider.issuer)
      const mixedUp = new URL(back)
      mixedUp.searchParams.set('iss', 'https://impostor.example.test')
      await endsOnSignIn(await comeBack(mixedUp.toString(), cookie), 'refused', /could not be verified/)
    })

    it('refuses an ID token whose nonce is not this sign-in’s', async () => {
      provider.accounts.set('ned', { preferred_username: 'ned' })
      const { location, cookie } = await start()
      const url = new URL(location)
      url.searchParams.set('nonce', 'B'.repeat(43))
      await endsOnSignIn(await comeBack(await provider.authorize(url.toString(), 'ned'), cookie), 'refused', /could not be verified/)
    })

    it('says so when the person says no at the provider', async () => {
      provider.accounts.set('oli', { preferred_username: 'oli' })
      const { location, cookie } = await start()
      const back = await provider.authorize(location, 'oli', { deny: true })
      expect(new URL(back).searchParams.get('error')).toBe('access_denied')
      await endsOnSignIn(await comeBack(back, cookie), 'denied', /Signing in was cancelled at the identity provider\./)
    })
  })
}
