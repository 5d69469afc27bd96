import { spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { npmStartArgs, ROOT, spawnNodeEntry, stopProcess } from '../support/node-service'
import { freePort } from '../support/ports'
import { removeScratch, scratchDir } from '../support/scratch'

const dirs: string[] = []
function dataDir(): string {
  const dir = scratchDir('startup')
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) removeScratch(dir)
})

/** Runs the entry expecting it to refuse to start; returns its exit code and output. */
function refuse(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, npmStartArgs(), {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir(), ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('start-up', () => {
  test.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'nope' }],
    ['MAX_UPLOAD_BYTES', { MAX_UPLOAD_BYTES: '-1' }],
    ['MAX_LINK_TTL', { MAX_LINK_TTL: 'forever' }],
    ['RESUME_GRACE', { RESUME_GRACE: 'x' }],
    ['RATE_LIMIT', { RATE_LIMIT: '1e3' }],
    ['ADMIN_API_KEY', { ADMIN_API_KEY: 'short' }],
    ['TOKEN_SIGNING_KEY', { TOKEN_SIGNING_KEY: 'too-short-for-hs256' }],
    ['TOKEN_SIGNING_KEY', { TOKEN_SIGNING_KEY: '{"kty":"OKP"' }],
    ['TOKEN_VERIFY_KEYS', { TOKEN_VERIFY_KEYS: '{"keys": 5}' }],
    ['S3_SECRET_ACCESS_KEY', { S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' }],
  ])('a bad %s stops start-up with one line naming it', async (setting, env) => {
    const result = await refuse({ PORT: '0', ...env })
    expect(result.code).not.toBe(0)
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(setting)
    expect(result.stdout).not.toContain('listening')
  })

  test('generates the admin key once, prints it exactly once, and keeps a generated signing key', async () => {
    const dir = dataDir()
    const port = await freePort()
    const env = { PORT: String(port), DATA_DIR: dir }
    const first = await spawnNodeEntry(env)
    const printed = first.stdout
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('ADMIN_API_KEY='))
    expect(printed).toHaveLength(1)
    expect(printed[0]).toMatch(/^ADMIN_API_KEY=[\x21-\x7e]{32,}$/)
    const key = printed[0]!.slice('ADMIN_API_KEY='.length)
    const keyFile = join(dir, 'signing-key.json')
    expect(existsSync(keyFile)).toBe(true)
    expect(statSync(keyFile).mode & 0o077).toBe(0)
    const jwk = JSON.parse(readFileSync(keyFile, 'utf8'))
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    // Only a hash of the key is stored.
    expect(readFileSync(join(dir, 'fuselink.db')).includes(Buffer.from(key))).toBe(false)

    const base = `http://127.0.0.1:${port}`
    const auth = { authorization: `Bearer ${key}` }
    const file = await (await fetch(`${base}/api/v1/files?name=a.txt`, { method: 'POST', headers: auth, body: 'persist' })).json()
    const link = await (
      await fetch(`${base}/api/v1/links`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ fileId: file.id, expiresIn: 600, maxDownloads: 2 }),
      })
    ).json()
    await stopProcess(first)

    const second = await spawnNodeEntry(env)
    expect(second.stdout.join('')).not.toContain('ADMIN_API_KEY=')
    expect(readFileSync(keyFile, 'utf8')).toBe(JSON.stringify(jwk))
    const again = await fetch(link.downloadUrl.replace(`http://localhost:${port}`, base))
    expect(await again.text()).toBe('persist')
    expect((await fetch(`${base}/api/v1/files`, { headers: auth })).status).toBe(200)
    await stopProcess(second)
  })

  test('an ADMIN_API_KEY from the environment is used and never printed', async () => {
    const port = await freePort()
    const key = 'an-admin-key-from-the-environment'
    const running = await spawnNodeEntry({ PORT: String(port), DATA_DIR: dataDir(), ADMIN_API_KEY: key })
    expect(running.stdout.join('') + running.stderr.join('')).not.toContain(key)
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/files`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200)
    await stopProcess(running)
  })
})
