import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type D1DatabaseLike, D1SqlDatabase } from '../../src/adapters/d1-database'
import { SqlStateStore } from '../../src/adapters/sql-state'
import { Api } from '../support/api'
import { startWorkerService, type WorkerServiceTarget } from '../support/worker-service'

// What the Workers entry adds to the shared app: refusing to serve without
// its secrets, and the cron handler. Real workerd, local D1, s3rver.

async function expectRefusal(target: WorkerServiceTarget, setting: string): Promise<void> {
  for (const path of ['/healthz', '/api/v1/files', '/d/some-token']) {
    const response = await fetch(`${target.baseUrl}${path}`, { headers: { authorization: `Bearer ${target.adminKey}` } })
    expect(response.status).toBe(500)
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const body = await response.json()
    expect(body).toMatchObject({ status: 500, code: 'internal_error' })
    // The configuration is the operator's business: the log names the setting, the answer does not.
    expect(JSON.stringify(body)).not.toContain(setting)
    // The security headers of every other answer (docs/security.md, finding 9).
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
  }
  // People following a link get the HTML error page, as for any other error.
  const page = await fetch(`${target.baseUrl}/s/some-token`, { headers: { accept: 'text/html' } })
  expect(page.status).toBe(500)
  expect(page.headers.get('content-type')).toMatch(/^text\/html/)
  expect(page.headers.get('x-frame-options')).toBe('DENY')
  expect(await page.text()).not.toContain(setting)
}

function logLines(target: WorkerServiceTarget): string[] {
  return target.logs
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('fuselink: bad configuration:'))
}

describe('a Worker missing a required secret', () => {
  // How the log line tells the operator to set each one.
  const remedies: Record<string, string> = {
    ADMIN_API_KEY: 'run `wrangler secret put ADMIN_API_KEY`',
    TOKEN_SIGNING_KEY: 'run `wrangler secret put TOKEN_SIGNING_KEY`',
    S3_BUCKET: 'set S3_BUCKET in [vars]',
    S3_ACCESS_KEY_ID: 'run `wrangler secret put S3_ACCESS_KEY_ID`',
    S3_SECRET_ACCESS_KEY: 'run `wrangler secret put S3_SECRET_ACCESS_KEY`',
    // Required on the Worker (docs/security.md, finding 9): links must not follow the Host a request named.
    PUBLIC_URL: 'set PUBLIC_URL in [vars]',
  }
  for (const [setting, remedy] of Object.entries(remedies)) {
    test(`refuses to serve without ${setting}, and the log says why`, async () => {
      const target = await startWorkerService({ env: { [setting]: '' } })
      try {
        await expectRefusal(target, setting)
        const lines = logLines(target)
        expect(lines.length).toBeGreaterThan(0)
        // One line per refused request, each naming the setting and how to set it.
        for (const line of lines) {
          expect(line.startsWith(`fuselink: bad configuration: ${setting}: is not set`)).toBe(true)
          expect(line).toContain(remedy)
        }
      } finally {
        await target.stop()
      }
    })
  }
})

describe('a Worker with a bad secret', () => {
  test('names the setting and never echoes a secret value, in the answer or the log', async () => {
    const secrets = {
      ADMIN_API_KEY: 'admin-key-that-must-stay-secret-1234',
      // A private key without "kid": refused, and its "d" must not leak.
      TOKEN_SIGNING_KEY: JSON.stringify({
        kty: 'OKP',
        crv: 'Ed25519',
        x: 'x-part-that-must-stay-secret',
        d: 'd-part-that-must-stay-secret',
      }),
      S3_SECRET_ACCESS_KEY: 's3-secret-that-must-stay-secret',
    }
    const target = await startWorkerService({ env: secrets })
    try {
      const response = await fetch(`${target.baseUrl}/healthz`)
      const text = await response.text()
      expect(response.status).toBe(500)
      expect(text).not.toContain('TOKEN_SIGNING_KEY')
      const log = target.logs.join('')
      expect(logLines(target)[0]).toMatch(/^fuselink: bad configuration: TOKEN_SIGNING_KEY: /)
      for (const value of ['admin-key-that-must-stay-secret', 'must-stay-secret']) {
        expect(text).not.toContain(value)
        expect(log).not.toContain(value)
      }
    } finally {
      await target.stop()
    }
  })

  test('refuses an HS256 signing secret shorter than 32 bytes without printing it', async () => {
    const target = await startWorkerService({ env: { TOKEN_SIGNING_KEY: 'short-secret-value' } })
    try {
      const response = await fetch(`${target.baseUrl}/healthz`)
      expect(response.status).toBe(500)
      expect(await response.text()).not.toContain('short-secret-value')
      expect(logLines(target)[0]).toMatch(/^fuselink: bad configuration: TOKEN_SIGNING_KEY: /)
      expect(target.logs.join('')).not.toContain('short-secret-value')
    } finally {
      await target.stop()
    }
  })
})

describe('the cron trigger', () => {
  let target: WorkerServiceTarget
  beforeAll(async () => {
    target = await startWorkerService()
  })
  afterAll(async () => {
    await target?.stop()
  })

  test('sweeps D1: a transfer whose lease ran out is settled by the scheduled handler', async () => {
    const api = new Api(target)
    const file = await api.upload('swept.bin', new Uint8Array(4096))
    const link = await api.issue(file.id)
    const db = new D1SqlDatabase((await target.d1()) as D1DatabaseLike)
    const store = new SqlStateStore(db)
    // A transfer as an isolate that died mid-download leaves it: still
    // active, its lease long over.
    const now = Date.now()
    const started = await store.startTransfer({
      id: 'deadisolat',
      linkId: link.id,
      start: 0,
      length: 4096,
      grant: 4096,
      mode: 'fresh',
      now: now - 600_000,
      leaseUntil: now - 300_000,
      resumeGrace: 3600_000,
    })
    expect(started).toBe(true)
    await target.scheduled(now)
    expect(await db.first('SELECT 1 AS active FROM transfers WHERE id = ? AND state = ?', ['deadisolat', 'active'])).toBeNull()
    expect(target.logs.join('')).toContain('"message":"sweep done"')
  })
})
