import { describe, expect, test } from 'vitest'
import { appConfig } from '../../src/core/config'
import { roleOf, usernameCandidates } from '../../src/core/identity'
import { readSettings } from '../../src/core/settings'

describe('roleOf', () => {
  test('admin only for the string admin or an array holding it', () => {
    expect(roleOf({ role: 'admin' }, 'role')).toBe('admin')
    expect(roleOf({ role: ['viewer', 'admin'] }, 'role')).toBe('admin')
    expect(roleOf({ role: 'Admin' }, 'role')).toBe('user')
    expect(roleOf({ role: 'administrator' }, 'role')).toBe('user')
    expect(roleOf({ role: { admin: true } }, 'role')).toBe('user')
    expect(roleOf({}, 'role')).toBe('user')
  })

  test('a dotted path reaches a nested claim; a top-level claim of that exact name comes first', () => {
    expect(roleOf({ realm_access: { roles: ['admin'] } }, 'realm_access.roles')).toBe('admin')
    expect(roleOf({ 'https://example.test/roles': ['admin'] }, 'https://example.test/roles')).toBe('admin')
    expect(roleOf({ realm_access: ['admin'] }, 'realm_access.roles')).toBe('user')
    expect(roleOf({ a: { constructor: 'admin' } }, 'a.__proto__')).toBe('user')
  })
})

describe('usernameCandidates', () => {
  const identity = (claims: Record<string, unknown>) => ({ issuer: 'https://idp.test', subject: 'sub-1', claims })

  test('the name the person goes by, then it with a stable suffix, then a fresh one; all valid usernames', async () => {
    const names = await usernameCandidates(identity({ preferred_username: 'Zoë Smith@corp' }), 'AbC_12-xyz')
    expect(names[0]).toBe('Zoe-Smith-corp')
    expect(names[1]).toMatch(/^Zoe-Smith-corp-[0-9a-f]{8}$/)
    expect(names[2]).toBe('Zoe-Smith-corp-AbC_12-xyz')
    expect(await usernameCandidates(identity({ preferred_username: 'Zoë Smith@corp' }), 'other')).toContain(names[1])
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9._-]{3,64}$/)
  })

  test('the email local part when there is no preferred_username; sso-<suffix> when nothing usable is given', async () => {
    expect((await usernameCandidates(identity({ email: 'kim@example.test' }), 'x'))[0]).toBe('kim')
    const names = await usernameCandidates(identity({ preferred_username: '李' }), 'fresh12345')
    expect(names[0]).toMatch(/^sso-[0-9a-f]{8}$/)
    const long = await usernameCandidates(identity({ preferred_username: 'a'.repeat(200) }), 'fresh12345')
    for (const name of long) expect(name.length).toBeLessThanOrEqual(64)
  })
})

describe('OIDC settings', () => {
  const config = (env: Record<string, string>) => appConfig(readSettings(env, 'node'), null).oidc

  test('off while OIDC_ISSUER is unset; the others then refused', () => {
    expect(config({})).toBeNull()
    expect(() => config({ OIDC_AUDIENCE: 'api' })).toThrow(/OIDC_AUDIENCE.*needs OIDC_ISSUER/)
  })

  test('the client id and secret go together; something must use the issuer', () => {
    const issuer = { OIDC_ISSUER: 'https://idp.test/' }
    expect(() => config({ ...issuer, OIDC_CLIENT_ID: 'app' })).toThrow(/OIDC_CLIENT_SECRET/)
    expect(() => config(issuer)).toThrow(/neither OIDC_AUDIENCE nor OIDC_CLIENT_ID/)
    expect(config({ ...issuer, OIDC_AUDIENCE: 'api' })).toEqual({
      issuer: 'https://idp.test/',
      audience: 'api',
      client: null,
      roleClaim: 'role',
    })
    expect(() => config({ OIDC_ISSUER: 'ftp://idp.test', OIDC_AUDIENCE: 'api' })).toThrow(/OIDC_ISSUER/)
  })
})
