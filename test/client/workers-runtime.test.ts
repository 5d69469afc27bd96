import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startNodeService } from '../support/node-service'
import type { ServiceTarget } from '../support/target'

// fuselink/client inside a Worker (workerd, with no Node compatibility flag):
// an app that receives a file and shares it through fuselink, streaming the
// request body straight into the upload.

const APP = `
import { FuselinkClient, isProblem } from 'fuselink/client'

export default {
  async fetch(request, env) {
    const fuselink = new FuselinkClient({ url: env.FUSELINK_URL, key: env.FUSELINK_KEY })
    const url = new URL(request.url)
    if (url.pathname === '/missing') {
      try {
        await fuselink.links.get('nosuchlink')
      } catch (error) {
        return Response.json({ isProblem: isProblem(error, 'not_found'), code: error.code, status: error.status })
      }
    }
    let sent = 0
    const shared = await fuselink.share(request.body, {
      name: url.searchParams.get('name'),
      contentType: request.headers.get('content-type'),
      expiresIn: '1h',
      maxDownloads: 2,
      onProgress: (progress) => { sent = progress.sent },
    })
    return Response.json({ ...shared, sent })
  },
}
`

let service: ServiceTarget
let worker: Miniflare
let workerUrl: string

beforeAll(async () => {
  service = await startNodeService('disk')
  const bundled = await build({
    stdin: { contents: APP, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  })
  worker = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    modules: true,
    script: bundled.outputFiles[0]!.text,
    compatibilityDate: '2026-04-26',
    bindings: { FUSELINK_URL: service.baseUrl, FUSELINK_KEY: service.adminKey },
  })
  workerUrl = (await worker.ready).href
})

afterAll(async () => {
  await worker?.dispose()
  await service?.stop()
})

test('runs in the Workers runtime: shares a streamed request body, and surfaces problems with their code', async () => {
  const data = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) % 251)
  const response = await fetch(`${workerUrl}share?name=${encodeURIComponent('from a worker.bin')}`, {
    method: 'POST',
    body: data,
    headers: { 'content-type': 'application/x-test' },
  })
  expect(response.status).toBe(200)
  const { file, link, sent } = await response.json()
  expect(file).toMatchObject({ name: 'from a worker.bin', size: data.length, contentType: 'application/x-test' })
  expect(sent).toBe(data.length)
  expect(link).toMatchObject({ fileId: file.id, maxDownloads: 2, url: expect.stringMatching(/\/s\//) })
  const downloaded = new Uint8Array(await (await fetch(link.downloadUrl)).arrayBuffer())
  expect(createHash('sha256').update(downloaded).digest('hex')).toBe(file.sha256)

  expect(await (await fetch(`${workerUrl}missing`)).json()).toEqual({ isProblem: true, code: 'not_found', status: 404 })
})
