import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { heldRequest } from '../support/held-request'
import { startWorkerService, type WorkerServiceTarget } from '../support/worker-service'

const MIB = 1024 * 1024
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/*
 * The Worker's counterpart of test/node/crash.test.ts: the runtime torn down
 * in the middle of a download (as an evicted isolate or a dead machine would
 * leave it), then started again on the same D1. The transfer's row outlives
 * the runtime; the cron's sweep, run as if past the row's five-minute lease,
 * settles it as cut with all it was granted (docs/counting.md, "Crashes,
 * leases and the sweep"), and the counts stay exact.
 */
describe('the runtime torn down mid-download, then started again (Worker)', () => {
  let target: WorkerServiceTarget
  let api: Api

  beforeAll(async () => {
    target = await startWorkerService({ env: { RATE_LIMIT: '0' } })
    api = new Api(target)
  })
  afterAll(async () => {
    await target?.stop()
  })

  test('the dead download counts once, is settled as cut by the sweep past its lease, and the link still serves a resume and its last download', async () => {
    // Larger than what the runtime's and the socket's buffers take in once the client stops reading.
    const served = bytes(32 * MIB, 51)
    const file = await api.upload('served.bin', served)
    const link = await api.issue(file.id, { maxDownloads: 2 })
    const url = new URL(link.downloadUrl)
    const download = heldRequest(target.baseUrl, `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`, null, 0, MIB)
    const rows = () =>
      target.query<{ state: string; sent: number; reserved: number; given_back: number; lease_until: number }>(
        'SELECT state, sent, reserved, given_back, lease_until FROM transfers WHERE link_id = ?',
        [link.id],
      )
    for (const deadline = Date.now() + 20_000; download.received() < MIB || (await rows()).length !== 1; await sleep(50)) {
      if (Date.now() > deadline) throw new Error('the download did not get under way')
    }
    await sleep(300)
    const receivedAtEnd = download.received()
    // Still streaming when the runtime goes: the client stopped reading, the Worker waits for it.
    expect((await rows())[0]!.state).toBe('active')

    await target.restart()
    download.socket.destroy()
    expect((await target.query<{ quick_check: string }>('PRAGMA quick_check'))[0]!.quick_check).toBe('ok')
    expect((await api.link(link.id)).downloads).toBe(1)
    // Its settlement never ran: the row waits, holding what it was granted.
    const [orphan] = await rows()
    expect(orphan!.state).toBe('active')
    await target.scheduled(Date.now())
    expect((await rows())[0]!.state).toBe('active')
    // The cron, as it would run once the lease has run out.
    await target.scheduled(orphan!.lease_until + 1)
    const [cut] = await rows()
    expect(cut!.state).toBe('cut')
    expect(cut!.sent).toBeGreaterThanOrEqual(receivedAtEnd)
    expect(cut!.sent).toBe(cut!.reserved + cut!.given_back)
    expect((await api.link(link.id)).downloads).toBe(1)

    const resumed = await fetch(link.downloadUrl, { headers: { range: `bytes=${receivedAtEnd}-` } })
    expect(resumed.status).toBe(206)
    expect(sha256(new Uint8Array(await resumed.arrayBuffer()))).toBe(sha256(served.subarray(receivedAtEnd)))
    expect((await api.link(link.id)).downloads).toBe(1)
    const whole = await fetch(link.downloadUrl)
    expect(whole.status).toBe(200)
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(served))
    expect((await api.link(link.id)).downloads).toBe(2)
    expect((await fetch(link.downloadUrl)).status).toBe(410)
  }, 120_000)
})
