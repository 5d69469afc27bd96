import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { sha256 } from '../support/clients'
import { nodeDisk } from '../support/node-service'
import { removeScratch, scratchDir } from '../support/scratch'
import type { ServiceTarget } from '../support/target'
import { worker } from '../support/worker-service'
import { openPerson, type Person, throttleUploads } from './app/chromium'

// The app at / in Debian's chromium (playwright-core), on Node and on the
// Worker: a signed-in person's file larger than a part goes up in parts
// (src/web/app/uploader.ts over src/web/uploader/upload.ts), and after a
// reload the same file chosen again sends only the parts that did not arrive.
const MIB = 1024 * 1024
const PART = 5 * MIB
const PASSWORD = 'correct horse battery'

describe.each([nodeDisk, worker])('uploads from the app in a real browser ($name)', (kind) => {
  let target: ServiceTarget
  let admin: Api
  let dir: string
  const people: Person[] = []

  beforeAll(async () => {
    dir = scratchDir('app-upload')
    target = await kind.start({ env: { RATE_LIMIT: '0', UPLOAD_PART_SIZE: String(PART) } })
    admin = new Api(target)
    await admin.json('POST', '/api/v1/users', { json: { username: 'uma', role: 'user', password: PASSWORD } }, 201)
    // The Worker's first start migrates a local D1 with wrangler: minutes on a loaded machine.
  }, 300_000)

  afterAll(async () => {
    for (const person of people) await person.context.close()
    await target?.stop()
    if (dir) removeScratch(dir)
  })

  async function signedIn(): Promise<Person> {
    const person = await openPerson(dir, `profile-${people.length}`)
    people.push(person)
    const { page } = person
    await page.goto(`${target.baseUrl}/`)
    await page.fill('#signin-username', 'uma')
    await page.fill('#signin-password', PASSWORD)
    await page.click('#signin-form button[type="submit"]')
    await page.locator('#dropzone').waitFor()
    return person
  }

  test('sends a file larger than a part in parts, resumes it after a reload, and the file is the one chosen', async () => {
    const data = bytes(6 * PART + 4321, 11)
    const path = join(dir, 'survey.tar')
    writeFileSync(path, data)
    const { page, errors } = await signedIn()
    await throttleUploads(page, 6 * MIB)
    const parts: number[] = []
    let oneRequest = 0
    page.on('requestfinished', (sent) => {
      const url = new URL(sent.url())
      const match = /\/api\/v1\/uploads\/[\w-]+\/parts\/(\d+)$/.exec(url.pathname)
      if (match) parts.push(Number(match[1]))
      if (sent.method() === 'POST' && url.pathname === '/api/v1/files') oneRequest++
    })
    await page.setInputFiles('#file-input', path)
    await expect.poll(() => parts.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2)
    await page.reload()
    await page.locator('#dropzone').waitFor()
    const remembered = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('fuselink.upload.')))
    expect(remembered).toHaveLength(1)

    // What the page learns the service holds, when the same file is chosen again.
    const asked = page.waitForResponse((answer) => answer.request().method() === 'GET' && /\/api\/v1\/uploads\/[\w-]+$/.test(answer.url()))
    parts.length = 0
    await page.setInputFiles('#file-input', path)
    const held = (await (await asked).json()).received as number[]
    expect(held.length).toBeGreaterThanOrEqual(2)
    await page.locator('.upload-status', { hasText: 'Uploaded' }).waitFor({ timeout: 120_000 })
    expect(parts.filter((n) => held.includes(n))).toEqual([])
    expect([...held, ...parts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(oneRequest).toBe(0)
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('fuselink.upload.')))).toEqual([])
    const files = (await admin.json('GET', '/api/v1/files')).items
    expect(files.find((file: { name: string }) => file.name === 'survey.tar')).toMatchObject({ size: data.length, sha256: sha256(data) })
    expect(errors).toEqual([])
  }, 180_000)
})
