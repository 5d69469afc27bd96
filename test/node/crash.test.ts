import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { heldRequest } from '../support/held-request'
import { startNodeService } from '../support/node-service'
import type { ServiceTarget } from '../support/target'

const MIB = 1024 * 1024
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
    const found = await probe()
    if (found) return found
  }
  throw new Error(`timed out waiting for ${what}`)
}

/*
 * kill -9 in the middle of uploads and downloads, then a start on the same
 * DATA_DIR (docs/security.md, "Faults"): the database is intact, no file
 * record lacks its object, what the dead process staged is gone, and the
 * download it was serving is settled by the ledger's rules (docs/counting.md,
 * "Crashes, leases and the sweep") so that counts stay exact.
 */
describe.each(['disk', 's3'] as const)('kill -9 mid-transfer, then a restart, Node + %s', (store) => {
  let target: ServiceTarget
  let api: Api

  beforeAll(async () => {
    target = await startNodeService(store, { env: { RATE_LIMIT: '0', SWEEP_INTERVAL: '1', UPLOAD_PART_SIZE: String(5 * MIB) } })
    api = new Api(target)
  })
  afterAll(async () => {
    await target?.stop()
  })

  test('the database passes integrity_check, records and objects match, staged bytes are swept, the cut download is settled and counted once', async () => {
    // What is under way at the kill: a download held after 1 MiB, a raw
    // upload of 24 MiB held after 10 MiB, and a multipart upload whose part 2
    // is half sent. The download is far larger than loopback's socket buffers
    // can take (up to 32 MiB received and 4 MiB sent here): an 8 MiB file fit
    // in them whole on a loaded machine, so the server had finished and
    // settled it before the kill.
    const served = bytes(64 * MIB, 41)
    const file = await api.upload('served.bin', served)
    const link = await api.issue(file.id, { maxDownloads: 2 })
    const url = new URL(link.downloadUrl)
    const download = heldRequest(target.baseUrl, `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`, null, 0, MIB)

    const rawBody = bytes(24 * MIB, 42)
    const rawUpload = heldRequest(
      target.baseUrl,
      `POST /api/v1/files?name=killed.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${target.adminKey}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${rawBody.length}\r\n\r\n`,
      rawBody,
      10 * MIB,
    )

    const parted = bytes(12 * MIB, 43)
    const upload = await api.json('POST', '/api/v1/uploads', { json: { name: 'parted.bin', size: parted.length } }, 201)
    expect(upload.parts).toBe(3)
    const partOf = (n: number) => parted.slice((n - 1) * upload.partSize, n * upload.partSize)
    const putPart = (n: number) =>
      api.request('PUT', `/api/v1/uploads/${upload.id}/parts/${n}`, {
        body: partOf(n),
        headers: { 'content-type': 'application/octet-stream' },
      })
    expect((await putPart(1)).status).toBeLessThan(300)
    const part2 = partOf(2)
    const partUpload = heldRequest(
      target.baseUrl,
      `PUT /api/v1/uploads/${upload.id}/parts/2 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${target.adminKey}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${part2.length}\r\n\r\n`,
      part2,
      Math.floor(part2.length / 2),
    )

    // The download's row is live and has sent; the uploads' bytes have arrived.
    const [live] = await until('the download to be under way', async () => {
      const rows = await target.query<{ state: string; sent: number }>('SELECT state, sent FROM transfers WHERE link_id = ?', [link.id])
      return rows.length === 1 && download.received() >= MIB ? rows : null
    })
    expect(live!.state).toBe('active')
    // On disk the raw upload is being staged; on S3 it is a multipart upload under way.
    if (store === 'disk')
      await until('the raw upload to be staged', async () => (await target.listObjects()).some((key) => key.startsWith('.staging/')))
    else await until('the raw upload to reach storage', async () => (await target.pendingMultipart()).length >= 2)
    await sleep(300)
    const receivedAtKill = download.received()

    const dbPath = (await target.query<{ file: string }>('PRAGMA database_list'))[0]!.file
    const pid = target.pid!
    process.kill(pid, 'SIGKILL')
    await until('the server to be gone', async () => {
      try {
        process.kill(pid, 0)
        return false
      } catch {
        return true
      }
    })
    for (const held of [download, rawUpload, partUpload]) held.socket.destroy()
    // The files as the dead process left them: SQLite recovers from its WAL.
    const db = new Database(dbPath)
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    db.close()

    await target.restart()
    expect((await target.query<{ integrity_check: string }>('PRAGMA integrity_check'))[0]!.integrity_check).toBe('ok')

    // No record of the killed upload; every live record has its object; what
    // the dead process staged is gone (on S3, a raw upload is a multipart
    // upload no row names: aborted by the sweep after its grace, see docs/uploads.md).
    const records = await target.query<{ name: string; object_key: string }>('SELECT name, object_key FROM files WHERE deleted_at IS NULL')
    expect(records.map((row) => row.name).sort()).toEqual(['served.bin'])
    await until('staged bytes to be swept', async () => {
      const objects = (await target.listObjects()).filter((key) => !key.startsWith('.uploads/'))
      return objects.length === 1 && objects[0] === records[0]!.object_key
    })

    // The multipart upload survives with the parts it had whole; the half-sent part is sent again.
    expect((await api.json('GET', `/api/v1/uploads/${upload.id}`)).received).toEqual([1])
    for (let n = 2; n <= Math.ceil(parted.length / upload.partSize); n++) expect((await putPart(n)).status).toBeLessThan(300)
    const completed = await api.json('POST', `/api/v1/uploads/${upload.id}/complete`, {}, 201)
    expect(completed.sha256).toBe(sha256(parted))

    // The download in flight counted once; its row outlives the process
    // until its lease ends (five minutes after its last grant): it is moved
    // there, and the next sweep settles it as cut with all it was granted.
    expect((await api.link(link.id)).downloads).toBe(1)
    const [orphan] = await target.query<{ id: string; state: string; lease_until: number }>(
      'SELECT id, state, lease_until FROM transfers WHERE link_id = ?',
      [link.id],
    )
    expect(orphan!.state).toBe('active')
    expect(orphan!.lease_until).toBeLessThanOrEqual(Date.now() + 5 * 60_000)
    const writer = new Database(dbPath)
    writer.prepare('UPDATE transfers SET lease_until = ? WHERE id = ?').run(Date.now() - 1, orphan!.id)
    writer.close()
    const [cut] = await until('the sweep to settle the dead transfer', async () => {
      const rows = await target.query<{ state: string; sent: number; reserved: number; given_back: number }>(
        'SELECT state, sent, reserved, given_back FROM transfers WHERE link_id = ?',
        [link.id],
      )
      return rows[0]?.state === 'cut' ? rows : null
    })
    expect(cut!.sent).toBe(cut!.reserved + cut!.given_back)
    expect(cut!.sent).toBeGreaterThanOrEqual(receivedAtKill)
    expect((await api.link(link.id)).downloads).toBe(1)

    // A resume from where the client was cut fits the budget and counts nothing more.
    const resumed = await fetch(link.downloadUrl, { headers: { range: `bytes=${receivedAtKill}-` } })
    expect(resumed.status).toBe(206)
    expect(sha256(new Uint8Array(await resumed.arrayBuffer()))).toBe(sha256(served.subarray(receivedAtKill)))
    expect((await api.link(link.id)).downloads).toBe(1)
    // One download left of two, then none.
    const whole = await fetch(link.downloadUrl)
    expect(whole.status).toBe(200)
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(served))
    expect((await api.link(link.id)).downloads).toBe(2)
    expect((await fetch(link.downloadUrl)).status).toBe(410)
  }, 120_000)
})
