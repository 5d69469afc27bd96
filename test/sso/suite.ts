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
}
