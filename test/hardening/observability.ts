import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { slowDownload, until } from '../support/slow-download'
import type { ServiceTarget, TargetKind } from '../support/target'

const METRICS_TOKEN = 'metrics-token-for-the-tests-0123456789'

interface LogLine {
  message: string
  requestId?: string
  method?: string
  route?: string | null
  status?: number
  code?: string
  bytes?: number | null
  durationMs?: number
}

/** The JSON lines of a service's log. */
function logLines(target: ServiceTarget): LogLine[] {
  return target
    .log()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)
}

/** A Prometheus text exposition as {series: value}, checking its shape on the way (format 0.0.4). */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>()
  const typed = new Set<string>()
  for (const line of text.trimEnd().split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$/.exec(line)
    if (type) {
      typed.add(type[1]!)
      continue
    }
    if (line.startsWith('# HELP ')) continue
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-z_]+="[^"\\\n]*"(?:,[a-z_]+="[^"\\\n]*")*\})? (-?\d+(?:\.\d+)?)$/.exec(line)
    expect(sample, `a sample line: ${line}`).not.toBeNull()
    expect(typed, `a TYPE before ${line}`).toContain(sample![1])
    samples.set(`${sample![1]}${sample![2] ?? ''}`, Number(sample![3]))
  }
  return samples
}

/** Structured logs on every target; /metrics on Node (docs/security.md, "Observability"). */
export function defineObservabilitySuite(kind: TargetKind) {
  describe(`observability, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api

    beforeAll(async () => {
      target = await kind.start({ env: { RATE_LIMIT: '0', METRICS_TOKEN } })
      api = new Api(target)
    }, 300_000)
    afterAll(async () => {
      await target?.stop()
    })

    const metrics = (authorization?: string) => fetch(`${target.baseUrl}/metrics`, { headers: authorization ? { authorization } : {} })

    test('one JSON line per request: its id (also X-Request-Id), the route pattern, status, code, bytes and duration; never the token', async () => {
      const file = await api.upload('logged.bin', bytes(70_000, 8))
      const link = await api.issue(file.id)
      const download = await fetch(link.downloadUrl)
      expect((await download.arrayBuffer()).byteLength).toBe(70_000)
      const refused = await fetch(`${target.baseUrl}/d/not-a-token`)
      await refused.arrayBuffer()
      const [downloadId, refusedId] = [download.headers.get('x-request-id'), refused.headers.get('x-request-id')]
      expect(downloadId).toMatch(/^[A-Za-z0-9_-]{10}$/)
      expect(refusedId).not.toBe(downloadId)

      await until(() => logLines(target).some((line) => line.requestId === refusedId), 'the log lines')
      await until(() => logLines(target).some((line) => line.requestId === downloadId), 'the download line, written when its body ended')
      const requests = logLines(target).filter((line) => line.message === 'request')
      expect(requests.find((line) => line.requestId === downloadId)).toMatchObject({
        method: 'GET',
        route: '/d/:token',
        status: 200,
        bytes: 70_000,
        durationMs: expect.any(Number),
      })
      expect(requests.find((line) => line.requestId === refusedId)).toMatchObject({
        route: '/d/:token',
        status: 403,
        code: 'invalid_token',
      })
      const upload = requests.find((line) => line.route === '/api/v1/files' && line.method === 'POST')
      expect(upload).toMatchObject({ status: 201 })
      expect(target.log()).not.toContain(link.token)
      expect(target.log()).not.toContain(target.adminKey)
    })

    if (kind.runtime === 'node')
      test('/metrics: 401 without METRICS_TOKEN as bearer, the counters in Prometheus text with it', async () => {
        for (const authorization of [
          undefined,
          'Bearer wrong-token-wrong-token-wrong',
          `Basic ${btoa(`x:${METRICS_TOKEN}`)}`,
          target.adminKey,
        ]) {
          const refused = await metrics(authorization)
          expect(refused.status).toBe(401)
          expect((await refused.json()).code).toBe('unauthorized')
        }
        const before = parseExposition(await (await metrics(`bearer ${METRICS_TOKEN}`)).text())

        const size = 300_000
        const file = await api.upload('counted.bin', bytes(size, 9))
        const link = await api.issue(file.id, { maxDownloads: 2 })
        expect((await (await fetch(link.downloadUrl)).arrayBuffer()).byteLength).toBe(size)
        await (await fetch(`${target.baseUrl}/d/not-a-token`)).arrayBuffer()
        await (await api.request('GET', '/api/v1/files/nosuchfile')).arrayBuffer()
        // A download in flight shows in the gauge until it ends.
        const big = await api.upload('in-flight.bin', bytes(16 * 1024 * 1024, 10))
        const bigLink = await api.issue(big.id)
        const slow = slowDownload(bigLink.downloadUrl, { pauseMs: 50 })
        await until(() => slow.received() > 0, 'the slow download to start')

        const response = await metrics(`Bearer ${METRICS_TOKEN}`)
        expect(response.status).toBe(200)
        expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
        const after = parseExposition(await response.text())
        const grew = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0)
        expect(grew('fuselink_downloads_total')).toBe(2)
        expect(grew('fuselink_transfers_total')).toBe(2)
        expect(after.get('fuselink_transfers_in_flight')).toBe(1)
        expect(grew('fuselink_download_bytes_total')).toBeGreaterThanOrEqual(size)
        expect(grew('fuselink_uploads_total')).toBe(2)
        expect(grew('fuselink_upload_bytes_total')).toBe(size + 16 * 1024 * 1024)
        expect(grew('fuselink_refusals_total{code="invalid_token"}')).toBe(1)
        expect(grew('fuselink_refusals_total{code="not_found"}')).toBe(1)
        expect(grew('fuselink_refusals_total{code="unauthorized"}')).toBe(0)
        expect(grew('fuselink_http_requests_total{status="201"}')).toBe(4)

        slow.destroy()
        await slow.done
        await until(
          async () => parseExposition(await (await metrics(`Bearer ${METRICS_TOKEN}`)).text()).get('fuselink_transfers_in_flight') === 0,
          'the cut transfer to settle',
        )
      })

    if (kind.runtime === 'workers')
      test('/metrics is 404 on the Worker, METRICS_TOKEN or not (a per-isolate count would mislead)', async () => {
        for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}`]) {
          const response = await metrics(authorization)
          expect(response.status).toBe(404)
          expect((await response.json()).code).toBe('not_found')
        }
      })
  })
}

/** Without METRICS_TOKEN, /metrics is not there at all. */
export function defineMetricsOffSuite(kind: TargetKind) {
  test(`/metrics without METRICS_TOKEN is 404, ${kind.name}`, async () => {
    const target = await kind.start()
    try {
      const response = await fetch(`${target.baseUrl}/metrics`, { headers: { authorization: 'Bearer anything-at-all-0123456789' } })
      expect(response.status).toBe(404)
      expect((await response.json()).code).toBe('not_found')
    } finally {
      await target.stop()
    }
  })
}
