import { createHash } from 'node:crypto'
import { FuselinkClient, isProblem, type Progress } from 'fuselink/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytes } from '../support/api'
import type { ServiceTarget, TargetKind } from '../support/target'
import { eventually, verifyStandardWebhook, WebhookReceiver } from '../support/webhook-receiver'

const MIB = 1024 * 1024
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

/** The refusal a call ends in, or a failure when it succeeds. */
async function refusal(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (answer) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(answer)}`)
    },
    (error: unknown) => error,
  )
}

/**
 * The typed client's ready-made methods for changing links, their events,
 * uploads in parts and webhooks (docs/integrations.md), against a running
 * service: each call goes over HTTP and its answer is checked against what
 * the service then holds. Webhook deliveries go to a receiver on loopback.
 */
export function defineClientSuite(kind: TargetKind) {
  let target: ServiceTarget
  let fuselink: FuselinkClient
  const receiver = new WebhookReceiver()

  beforeAll(async () => {
    await receiver.start()
    target = await kind.start({ env: { RATE_LIMIT: '0', WEBHOOK_ALLOWED_HOSTS: 'loopback', UPLOAD_PART_SIZE: String(5 * MIB) } })
    fuselink = new FuselinkClient({ url: target.baseUrl, key: target.adminKey })
  })
  afterAll(async () => {
    await target?.stop()
    await receiver.stop()
  })

  describe(`the typed client on ${kind.name}`, () => {
    it('changes a link in place and by reissuing, and reads its events page by page', async () => {
      const file = await fuselink.files.upload('client events', { name: 'events.txt', contentType: 'text/plain' })
      const link = await fuselink.links.create({ fileId: file.id, expiresIn: 60, maxDownloads: 3 })

      const changed = await fuselink.links.update(link.id, { maxDownloads: 2, note: 'for the client test', filename: 'renamed.txt' })
      expect(changed).toMatchObject({ id: link.id, maxDownloads: 2, note: 'for the client test', filename: 'renamed.txt', reissued: false })
      expect(changed.token).toBe(link.token)
      const reissued = await fuselink.links.update(link.id, { expiresIn: '1h' })
      expect(reissued.reissued).toBe(true)
      expect(reissued.url).not.toBe(link.url)
      expect((await fuselink.links.get(link.id)).token).toBe(reissued.token)
      expect(isProblem(await refusal(fuselink.links.update(link.id, { maxDownloads: 0 })), 'invalid_request')).toBe(true)

      const downloaded = await fetch(reissued.downloadUrl)
      expect(downloaded.headers.get('content-disposition')).toContain('renamed.txt')
      expect(await downloaded.text()).toBe('client events')
      await fuselink.links.revoke(link.id)

      const events = await eventually(
        async () => {
          const page = await fuselink.links.events(link.id, { limit: 10 })
          return page.items.length >= 3 ? page.items : null
        },
        15_000,
        'three events',
      )
      expect(events.map((event) => event.type).sort()).toEqual(['download_completed', 'download_started', 'revoked'])
      const first = await fuselink.links.events(link.id, { limit: 1 })
      expect(first.items).toHaveLength(1)
      expect(first.nextCursor).toEqual(expect.any(String))
      const walked = []
      for await (const event of fuselink.links.allEvents(link.id, { limit: 1 })) walked.push(event.id)
      expect(walked).toEqual(events.map((event) => event.id))
      expect(isProblem(await refusal(fuselink.links.events('nosuchlink0')), 'not_found')).toBe(true)
    })

    it('uploads in parts: out of order, refuses to complete with a part missing, completes, aborts', async () => {
      const data = bytes(5 * MIB + 999, 23)
      const upload = await fuselink.uploads.create({ name: 'two parts.bin', size: data.length, contentType: 'application/x-test' })
      expect(upload).toMatchObject({ name: 'two parts.bin', size: data.length, parts: 2, partSize: 5 * MIB, received: [] })

      const progress: Progress[] = []
      const second = data.slice(upload.partSize)
      expect(await fuselink.uploads.part(upload.id, 2, second, { onProgress: (p) => progress.push(p) })).toEqual({
        part: 2,
        size: second.length,
      })
      expect(progress.at(-1)).toEqual({ sent: second.length, total: second.length })
      expect((await fuselink.uploads.get(upload.id)).received).toEqual([2])
      const incomplete = await refusal(fuselink.uploads.complete(upload.id))
      if (!isProblem(incomplete, 'upload_incomplete')) throw incomplete
      expect(incomplete.problem.missing).toEqual([1])

      await fuselink.uploads.part(upload.id, 1, new Blob([data.slice(0, upload.partSize)]))
      const file = await fuselink.uploads.complete(upload.id)
      expect(file).toMatchObject({ id: expect.any(String), name: 'two parts.bin', size: data.length, sha256: sha256(data) })
      expect(await fuselink.files.get(file.id)).toMatchObject({ contentType: 'application/x-test' })
      expect(isProblem(await refusal(fuselink.uploads.get(upload.id)), 'not_found')).toBe(true)

      const dropped = await fuselink.uploads.create({ name: 'dropped.bin', size: 10 })
      await fuselink.uploads.part(dropped.id, 1, 'ten bytes!')
      expect(await fuselink.uploads.abort(dropped.id)).toBeUndefined()
      expect(isProblem(await refusal(fuselink.uploads.complete(dropped.id)), 'not_found')).toBe(true)
    })

    it('subscribes a webhook, sends a test a receiver verifies, lists its deliveries, and removes it', async () => {
      const created = await fuselink.webhooks.create({ url: receiver.url('/client'), events: ['download.completed'] })
      expect(created.secret).toMatch(/^whsec_/)
      const listed = await fuselink.webhooks.list()
      expect(listed.items.map((webhook) => webhook.id)).toContain(created.id)
      const everyOne = []
      for await (const webhook of fuselink.webhooks.all({ limit: 1 })) everyOne.push(webhook.id)
      expect(everyOne).toEqual(listed.items.map((webhook) => webhook.id))

      const queued = await fuselink.webhooks.test(created.id)
      expect(queued).toMatchObject({ event: 'webhook.test', status: 'pending' })
      const delivery = await eventually(
        () => receiver.received.find((r) => r.headers['webhook-id'] === queued.id),
        20_000,
        'the test delivery',
      )
      expect(verifyStandardWebhook(created.secret, delivery)).toBe(true)
      expect(JSON.parse(delivery.body)).toMatchObject({ type: 'webhook.test', data: { webhookId: created.id } })
      const deliveries = await eventually(
        async () => {
          const page = await fuselink.webhooks.deliveries(created.id)
          return page.items[0]?.status === 'delivered' ? page.items : null
        },
        20_000,
        'delivered',
      )
      expect(deliveries).toEqual([expect.objectContaining({ id: queued.id, event: 'webhook.test', attempts: 1, lastStatus: 204 })])

      expect(await fuselink.webhooks.delete(created.id)).toBeUndefined()
      expect((await fuselink.webhooks.list()).items.map((webhook) => webhook.id)).not.toContain(created.id)
      expect(isProblem(await refusal(fuselink.webhooks.delete(created.id)), 'not_found')).toBe(true)
      expect(isProblem(await refusal(fuselink.webhooks.deliveries(created.id)), 'not_found')).toBe(true)
    })
  })
}
