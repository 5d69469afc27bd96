import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { generateSigningJwk } from '../../src/core/token/keys'
import { Api, bytes } from '../support/api'
import type { ServiceTarget, TargetKind } from '../support/target'

/*
 * No secret in the log (docs/security.md, "Observability"). The service is
 * given known secrets, every kind of credential goes through it (the admin
 * key, an API key, a user's password and session cookie, a link's token and
 * password, an invite, /metrics' token, wrong ones too), and then its whole
 * log is searched for each value and for anything shaped like a JWT.
 *
 * One line is exempt on purpose: `SETUP_URL=` on Node's standard output at a
 * start without users, the setup link the operator is meant to read.
 */

const METRICS_TOKEN = 'metrics-token-that-must-stay-secret-42'
const USER_PASSWORD = 'user-password-that-must-stay-secret'
const LINK_PASSWORD = 'link-password-that-must-stay-secret'
const WRONG_PASSWORD = 'wrong-password-that-must-stay-secret'
const JWT_SHAPED = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/

export function defineLogSecretsSuite(kind: TargetKind) {
  describe(`no secret in the log, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api
    let signingKey: Awaited<ReturnType<typeof generateSigningJwk>>

    beforeAll(async () => {
      signingKey = await generateSigningJwk()
      target = await kind.start({
        env: { RATE_LIMIT: '0', TOKEN_SIGNING_KEY: JSON.stringify(signingKey), ...(kind.runtime === 'node' ? { METRICS_TOKEN } : {}) },
      })
      api = new Api(target)
    }, 300_000)
    afterAll(async () => {
      await target?.stop()
    })

    test('after every kind of credential went through, the whole log holds none of them, nor anything JWT-shaped', async () => {
      const secrets: string[] = [target.adminKey, signingKey.d!, METRICS_TOKEN, USER_PASSWORD, LINK_PASSWORD, WRONG_PASSWORD]
      const setupUrl = target.setupUrl()
      if (setupUrl) secrets.push(setupUrl.split('/').pop()!)

      // Files and links, with and without a password; downloads, ranged and refused.
      const file = await api.upload('secret-test.bin', bytes(20_000, 4))
      const link = await api.issue(file.id, { maxDownloads: 5 })
      const guarded = await api.issue(file.id, { password: LINK_PASSWORD })
      secrets.push(link.token, guarded.token)
      for (const range of [null, 'bytes=0-99', 'bytes=100-']) {
        const answer = await fetch(link.downloadUrl, { headers: range ? { range } : {} })
        expect(answer.status).toBe(range ? 206 : 200)
        await answer.arrayBuffer()
      }
      expect((await fetch(guarded.downloadUrl, { headers: { 'link-password': WRONG_PASSWORD } })).status).toBe(403)
      const unlocked = await fetch(guarded.downloadUrl, { headers: { 'link-password': LINK_PASSWORD } })
      expect(unlocked.status).toBe(200)
      await unlocked.arrayBuffer()
      expect((await fetch(`${link.downloadUrl.slice(0, -3)}xyz`)).status).toBe(403)

      // An API key, used and mistyped.
      const userKey = await api.createKey('user', 'log test')
      secrets.push(userKey.key)
      expect((await userKey.request('GET', '/api/v1/files')).status).toBe(200)
      expect((await api.request('GET', '/api/v1/files', { key: `${userKey.key}x` })).status).toBe(401)

      // A user with a password: signed in (a session cookie), used, refused with a wrong one; one invited.
      await api.json('POST', '/api/v1/users', { json: { username: 'logtest', role: 'user', password: USER_PASSWORD } }, 201)
      const invited = await api.json('POST', '/api/v1/users', { json: { username: 'invited', role: 'user' } }, 201)
      secrets.push(invited.inviteUrl.split('/').pop())
      expect((await fetch(invited.inviteUrl)).status).toBe(200)
      const signIn = await api.request('POST', '/api/v1/sessions', { key: null, json: { username: 'logtest', password: USER_PASSWORD } })
      expect(signIn.status).toBe(201)
      const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!
      secrets.push(cookie.split('=')[1]!)
      expect((await api.request('GET', '/api/v1/me', { key: null, headers: { cookie } })).status).toBe(200)
      const wrong = await api.request('POST', '/api/v1/sessions', { key: null, json: { username: 'logtest', password: WRONG_PASSWORD } })
      expect(wrong.status).toBe(401)

      if (kind.runtime === 'node') {
        expect((await fetch(`${target.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200)
        expect((await fetch(`${target.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401)
      }

      // The request lines of the last answers are written when their bodies end.
      await new Promise((resolve) => setTimeout(resolve, 500))
      const log = target
        .log()
        .split('\n')
        .filter((line) => !line.startsWith('SETUP_URL='))
        .join('\n')
      expect(log).toContain('"message":"request"')
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThanOrEqual(16)
        expect(log.includes(secret), `a secret of ${secret.length} characters is in the log`).toBe(false)
      }
      expect(log).not.toMatch(JWT_SHAPED)
    })
  })
}
