import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { CHROMIUM } from '../support/chromium'
import { sha256, sha256File } from '../support/clients'
import { cuttingProxy } from '../support/cutting-proxy'
import { nodeDisk } from '../support/node-service'
import { removeScratch, scratchDir } from '../support/scratch'
import type { ServiceTarget } from '../support/target'
import { worker } from '../support/worker-service'

// The server side of people, in Debian's chromium (playwright-core) on Node
// and on the Worker: what a real browser sends must pass the same-origin
// check from the service's own pages and fail from another origin, and a
// password-protected download cut by the network must resume by itself.
const PASSWORD = 'correct horse battery'

describe.each([nodeDisk, worker])('people in Chromium, $name', (kind) => {
  let target: ServiceTarget
  let admin: Api
  let profiles: string
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    profiles = scratchDir('chromium-accounts')
    target = await kind.start({ env: { RATE_LIMIT: '0' } })
    admin = new Api(target)
  })

  afterAll(async () => {
    for (const context of contexts) await context.close()
    await target?.stop()
    if (profiles) removeScratch(profiles)
  })

  async function browser(): Promise<BrowserContext> {
    const context = await chromium.launchPersistentContext(join(profiles, `profile-${contexts.length}`), {
      ...CHROMIUM,
      acceptDownloads: true,
    })
    contexts.push(context)
    return context
  }

  test('the setup link makes the first admin; the page’s own requests pass the same-origin check, another origin’s does not', async () => {
    const context = await browser()
    const page = context.pages()[0] ?? (await context.newPage())
    await page.goto(target.setupUrl()!)
    await page.getByLabel('Username').fill('root')
    await page.getByLabel('Password').fill(PASSWORD)
    await Promise.all([page.waitForURL(`${target.baseUrl}/`), page.getByRole('button', { name: 'Create the administrator' }).click()])

    const session = (await context.cookies(target.baseUrl)).find((cookie) => cookie.name === 'fuselink_session')
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false })
    // Chromium's own same-origin requests from a page of the service, under its no-referrer policy.
    const made = await page.evaluate(async () => {
      const me = await (await fetch('/api/v1/me')).json()
      const key = await fetch('/api/v1/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'from the page', role: 'user' }),
      })
      const signOut = await fetch('/api/v1/sessions/current', { method: 'DELETE' })
      return { me, key: key.status, signOut: signOut.status }
    })
    expect(made).toMatchObject({ me: { kind: 'user', name: 'root', role: 'admin' }, key: 201, signOut: 204 })

    // Signed in again, the visitor opens another origin's page (another port:
    // the same site, so SameSite=Lax alone would let the cookie through).
    const signIn = await page.request.post(`${target.baseUrl}/api/v1/sessions`, { data: { username: 'root', password: PASSWORD } })
    expect(signIn.status()).toBe(201)
    const keysUrl = `${target.baseUrl}/api/v1/keys`
    const evil: Server = createServer((_, response) => {
      response.setHeader('content-type', 'text/html')
      const plant = (credentials: string) =>
        `fetch(${JSON.stringify(`${keysUrl}?credentials=${credentials}`)}, { method: 'POST', mode: 'no-cors', credentials: '${credentials}', headers: { 'content-type': 'text/plain' }, body: '{"name":"planted","role":"user"}' })`
      response.end(`<!doctype html><script>${plant('omit')}.then(() => ${plant('include')})</script>`)
    })
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = evil.address() as { port: number }
      const answers = new Map<string, number>()
      const both = new Promise<void>((resolve) =>
        page.on('response', (response) => {
          const credentials = new URL(response.url()).searchParams.get('credentials')
          if (response.url().startsWith(keysUrl) && credentials) answers.set(credentials, response.status())
          if (answers.size === 2) resolve()
        }),
      )
      await page.goto(`http://127.0.0.1:${port}/`)
      await both
      // Without the cookie: 401. With it (same site: SameSite=Lax lets it go), refused for its origin.
      expect(Object.fromEntries(answers)).toEqual({ omit: 401, include: 403 })
    } finally {
      evil.closeAllConnections()
      await new Promise<void>((resolve) => evil.close(() => resolve()))
    }
    const names = (await admin.json('GET', '/api/v1/keys?limit=100')).items.map((key: { name: string }) => key.name)
    expect(names).toContain('from the page')
    expect(names).not.toContain('planted')
  })

  test('a password link: a wrong password is refused without counting; with the right one, a download cut by the network resumes', async () => {
    const data = bytes(20 * 1024 * 1024, 43)
    const file = await admin.upload('protected.bin', data)
    const link = await admin.issue(file.id, { maxDownloads: 1, password: 'open sesame 2026' })
    const proxy = await cuttingProxy(Number(new URL(target.baseUrl).port))
    try {
      const context = await browser()
      const page = context.pages()[0] ?? (await context.newPage())
      await page.goto(`http://127.0.0.1:${proxy.port}/s/${link.token}`)
      await page.getByLabel('Password').fill('a wrong guess')
      await Promise.all([page.waitForURL(/\/d\//), page.getByRole('button', { name: 'Download' }).click()])
      expect(await page.getByRole('alert').textContent()).toMatch(/not right/)
      expect((await admin.link(link.id)).downloads).toBe(0)

      await page.getByLabel('Password').fill('open sesame 2026')
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()])
      const saved = join(profiles, `protected-${kind.runtime}.bin`)
      await download.saveAs(saved)
      expect(await download.failure()).toBeNull()
      expect(await sha256File(saved)).toBe(sha256(data))
      expect((await admin.link(link.id)).downloads).toBe(1)

      const downloads = proxy.requests.filter((line) => / \/d\//.test(line))
      expect(downloads.filter((line) => line.startsWith('POST'))).toHaveLength(2)
      // The browser's own resume: GET with a Range on the form's address, no form, no password.
      expect(downloads.at(-1)).toMatch(/^GET \/d\/\S+\?via=page HTTP\/1\.1 \| Range: bytes=[1-9]\d*- \| If-Range: "/)
    } finally {
      await proxy.close()
    }
  })
})
