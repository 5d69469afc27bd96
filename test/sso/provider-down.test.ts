import { SignJWT } from 'jose'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { inProcessApp } from '../support/in-process-app'
import { freePort } from '../support/ports'

// A provider that cannot be reached: a bearer JWT cannot be checked, which
// is the caller's 401 with a detail that says why, not a fault of this
// service (docs/sso.md, "When the provider is down").
let app: Awaited<ReturnType<typeof inProcessApp>>

beforeAll(async () => {
  const port = await freePort()
  app = await inProcessApp({ OIDC_ISSUER: `http://127.0.0.1:${port}`, OIDC_AUDIENCE: 'https://api.fuselink.test' })
})
afterAll(() => app?.close())

const me = (token: string) => app.app.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })

test('a bearer JWT while the provider is down is 401 unauthorized saying the provider could not be reached', async () => {
  const token = await new SignJWT({ sub: 'someone' }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32))
  const response = await me(token)
  expect(response.status).toBe(401)
  const problem = await response.json()
  expect(problem.code).toBe('unauthorized')
  expect(problem.detail).toMatch(/identity provider could not be reached/)
  // Within the cooldown the next one fails at once instead of waiting on the provider again.
  const started = performance.now()
  expect((await me(token)).status).toBe(401)
  expect(performance.now() - started).toBeLessThan(1000)
})

test('API keys keep working while the provider is down', async () => {
  const response = await app.app.request('/api/v1/me', { headers: { authorization: `Bearer ${app.adminKey}` } })
  expect(response.status).toBe(200)
})
