import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { CHROMIUM } from '../support/chromium'
import { sha256, sha256File } from '../support/clients'
import { cuttingProxy } from '../support/cutting-proxy'
import { startNodeService } from '../support/node-service'
import { removeScratch, scratchDir } from '../support/scratch'
import type { ServiceTarget } from '../support/target'

// A network failure in the middle of a download the landing page's button
// started: Chromium resumes it by itself, with GET, a Range and If-Range, on
// the form's address. It must get the rest of the file, not another download.
let target: ServiceTarget
let api: Api
let profiles: string

beforeAll(async () => {
  profiles = scratchDir('chromium-resume')
  target = await startNodeService('disk')
  api = new Api(target)
})

afterAll(async () => {
  await target?.stop()
  if (profiles) removeScratch(profiles)
})

test('chromium resumes a download cut by the network, and the link counts it once', async () => {
  const data = bytes(20 * 1024 * 1024, 41)
  const link = await api.issue((await api.upload('interrupted.bin', data)).id, { maxDownloads: 1 })
  const proxy = await cuttingProxy(Number(new URL(target.baseUrl).port))
  const context = await chromium.launchPersistentContext(join(profiles, 'profile'), {
    ...CHROMIUM,
    acceptDownloads: true,
  })
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    await page.goto(`http://127.0.0.1:${proxy.port}/s/${link.token}`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()])
    const saved = join(profiles, 'interrupted.bin')
    await download.saveAs(saved)
    expect(await download.failure()).toBeNull()
    expect(await sha256File(saved)).toBe(sha256(data))
    expect((await api.link(link.id)).downloads).toBe(1)

    const downloads = proxy.requests.filter((line) => / \/d\//.test(line))
    expect(downloads[0]).toMatch(/^POST \/d\/\S+\?via=page HTTP/)
    expect(downloads[1]).toMatch(/^GET \/d\/\S+\?via=page HTTP\/1\.1 \| Range: bytes=[1-9]\d*- \| If-Range: "/)
  } finally {
    await context.close()
    await proxy.close()
  }
})
