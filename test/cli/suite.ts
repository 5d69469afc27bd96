import { createHash } from 'node:crypto'
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { FuselinkClient, isProblem } from 'fuselink/client'
import { renderUnicodeCompact } from 'uqr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytes } from '../support/api'
import { type CliRun, runCli, startCli } from '../support/cli'
import { partCuttingProxy } from '../support/cutting-proxy'
import { freePort } from '../support/ports'
import { scratchDir } from '../support/scratch'
import { SessionClient } from '../support/session'
import type { ServiceTarget, TargetKind } from '../support/target'
import { throttlingProxy } from '../support/throttling-proxy'

/**
 * The `fuselink` command driven as a person or a script drives it: spawned
 * as a process, its stdout, stderr and exit code read (docs/cli.md). The
 * typed client (fuselink/client) checks what it did. Each CLI run costs a
 * process start, so independent runs go in parallel.
 */
const PART = 5 * 1024 * 1024

export function defineCliSuite(kind: TargetKind) {
  // A test here starts up to eight processes in turn (each a tsx start); on a
  // loaded shared machine that passes the default minute, so each gets three.
  const SLOW = { timeout: 180_000 }

  let target: ServiceTarget
  let admin: FuselinkClient
  let home: string
  let files: string

  const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
  /** The CLI with the service and admin key in its environment, as a configured shell has them. */
  const cli = (args: string[], env: Record<string, string> = {}, input?: string | Uint8Array) =>
    runCli(args, { env: { HOME: home, FUSELINK_URL: target.baseUrl, FUSELINK_KEY: target.adminKey, ...env }, input })
  const ok = (run: CliRun) => {
    expect(run.code, run.stderr).toBe(0)
    return run
  }
  const json = (run: CliRun) => JSON.parse(ok(run).stdout)
  const file = (name: string, content: Uint8Array | string) => {
    const path = join(files, name)
    writeFileSync(path, content)
    return path
  }
  const downloadOf = (url: string) => url.replace('/s/', '/d/')
  /** Parts the service stored (200 on PUT …/parts/:n), from its request log. */
  const partsStored = () => target.log().match(/"method":"PUT","route":"\/api\/v1\/uploads\/:id\/parts\/:n","status":200,/g)?.length ?? 0
  // Ids are base64url and may begin with '-', which an option's value takes
  // only when joined to it: --file=ID (docs/cli.md).

  beforeAll(async () => {
    // The smallest part the service allows, so that a file of a few parts stays small.
    target = await kind.start({ env: { RATE_LIMIT: '0', UPLOAD_PART_SIZE: String(PART) } })
    admin = new FuselinkClient({ url: target.baseUrl, key: target.adminKey })
    home = scratchDir('cli-home')
    files = scratchDir('cli-files')
  })
  afterAll(async () => {
    await target?.stop()
  })

  describe('share', SLOW, () => {
    it('uploads with progress on stderr and prints only the link on stdout; the link serves the file', async () => {
      const data = bytes(3 * 1024 * 1024 + 17, 21)
      const path = file('Quarterly report.pdf', data)
      const run = ok(await cli(['share', path, '--expires', '2h', '--downloads', '3', '--progress']))
      const url = run.stdout.trim()
      expect(run.stdout).toBe(`${url}\n`)
      expect(url).toMatch(new RegExp(`^${target.baseUrl}/s/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`))
      const progress = run.stderr.split('\n').filter((line) => line.startsWith('Quarterly report.pdf'))
      expect(progress.at(-1)).toMatch(/^Quarterly report\.pdf {2}100% {2}3\.0 MiB \/ 3\.0 MiB {2}[\d.]+ \w+\/s$/)
      expect(run.stderr).toMatch(/shared Quarterly report\.pdf \(3\.0 MiB\): 3 downloads, until \d{4}-\d\d-\d\d \d\d:\d\d UTC/)

      const response = await fetch(downloadOf(url))
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/pdf')
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(data))
      const id = JSON.parse(Buffer.from(url.split('/').pop()!.split('.')[1]!, 'base64url').toString()).jti
      const link = await admin.links.get(id)
      expect(link).toMatchObject({ maxDownloads: 3, downloads: 1, url })
      expect(Date.parse(link.expiresAt) - Date.parse(link.createdAt)).toBe(2 * 3600_000)
    })

    it('shares several files, and stdin with --name; --json prints one JSON document and nothing else', async () => {
      const a = file('a.txt', 'first file')
      const b = file('b.csv', 'x,y\n1,2\n')
      const [many, piped] = await Promise.all([
        cli(['share', a, b, '--json', '--downloads', '2', '--not-before', '2020-01-01T00:00:00Z']),
        cli(['share', '-', '--name', 'from stdin.txt', '--json'], {}, 'piped bytes'),
      ])
      const shared = json(many)
      expect(many.stderr).toBe('')
      expect(shared).toHaveLength(2)
      expect(shared.map((s: any) => [s.file.name, s.file.contentType, s.link.maxDownloads])).toEqual([
        ['a.txt', 'text/plain', 2],
        ['b.csv', 'text/csv', 2],
      ])
      expect(shared[0].link.notBefore).toBe('2020-01-01T00:00:00.000Z')
      expect(await (await fetch(shared[1].link.downloadUrl)).text()).toBe('x,y\n1,2\n')
      const [fromStdin] = json(piped)
      expect(fromStdin.file).toMatchObject({ name: 'from stdin.txt', size: 11 })
      expect(await (await fetch(fromStdin.link.downloadUrl)).text()).toBe('piped bytes')
    })

    it('protects the link with a password read from stdin, and leaves a message for the recipient', async () => {
      const password = 'correct horse battery'
      const run = ok(
        await cli(['share', file('locked.txt', 'locked'), '--password', '--message', 'Here it is.', '--json'], {}, `${password}\n`),
      )
      const [{ link }] = JSON.parse(run.stdout)
      expect(link).toMatchObject({ passwordProtected: true, message: 'Here it is.' })
      expect(await (await fetch(link.url)).text()).toContain('Here it is.')
      expect((await fetch(link.downloadUrl)).status).toBe(401)
      const unlocked = await fetch(link.downloadUrl, { headers: { 'link-password': password } })
      expect(await unlocked.text()).toBe('locked')
      const stdinTwice = await cli(['share', '-', '--name', 'x.txt', '--password'], {}, 'x')
      expect(stdinTwice.code).toBe(2)
      expect(stdinTwice.stderr).toMatch(/--password reads stdin: share a file, not -/)
    })

    it('sends a file larger than a part in parts, with its progress line; it downloads with the same sha256', async () => {
      const data = bytes(3 * PART + 12_345, 26)
      const path = file('survey.tar', data)
      const before = partsStored()
      const run = ok(await cli(['share', path, '--progress']))
      const url = run.stdout.trim()
      expect(run.stdout).toBe(`${url}\n`)
      const progress = run.stderr.split('\n').filter((line) => line.startsWith('survey.tar'))
      expect(progress.at(-1)).toMatch(/^survey\.tar {2}100% {2}15 MiB \/ 15 MiB {2}[\d.]+ \w+\/s$/)
      expect(run.stderr).toMatch(/shared survey\.tar \(15 MiB\): 1 download, until /)
      // Four parts: three of 5 MiB and the rest.
      await expect.poll(() => partsStored() - before).toBe(4)
      const response = await fetch(downloadOf(url))
      expect(response.headers.get('content-type')).toBe('application/x-tar')
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(data))
    })

    it('sends again a part whose connection dropped, and the upload completes', async () => {
      const data = bytes(2 * PART + 999, 27)
      const path = file('flaky.bin', data)
      const proxy = await partCuttingProxy(Number(new URL(target.baseUrl).port))
      try {
        const before = partsStored()
        const run = await cli(['share', path, '--json', '--url', `http://127.0.0.1:${proxy.port}`])
        const [shared] = json(run)
        expect(run.stderr).toBe('')
        expect(proxy.cut()).toBe(true)
        // Three parts stored, and one more request: the part cut off, sent again.
        await expect.poll(() => partsStored() - before).toBe(3)
        expect(proxy.parts()).toBe(4)
        // The part cut off is the sender's failure, not the server's: no 5xx.
        expect(target.log()).not.toMatch(/"route":"\/api\/v1\/uploads\/:id\/parts\/:n","status":5\d\d/)
        expect(shared.file).toMatchObject({ name: 'flaky.bin', size: data.length, sha256: sha256(data) })
        expect(sha256(new Uint8Array(await (await fetch(shared.link.downloadUrl)).arrayBuffer()))).toBe(sha256(data))
      } finally {
        await proxy.close()
      }
    })

    it('resumes a file cut short by a kill: the next run sends only the parts the service lacks, then forgets it', async () => {
      const data = bytes(4 * PART - 54_321, 28)
      const path = file('resumable.iso', data)
      const config = join(scratchDir('cli-resume'), 'fuselink', 'config.json')
      const state = join(dirname(config), 'uploads.json')
      // A slow uplink (2 MiB/s a connection): a part takes seconds, so the kill comes with parts still unsent.
      const proxy = await throttlingProxy(Number(new URL(target.baseUrl).port), 2 * 1024 * 1024)
      const url = `http://127.0.0.1:${proxy.port}`
      const run = () =>
        startCli(['share', path, '--json', '--url', url], { env: { HOME: home, FUSELINK_CONFIG: config, FUSELINK_KEY: target.adminKey } })
      try {
        const before = partsStored()
        const first = run()
        await expect.poll(() => partsStored() - before, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(1)
        first.child.kill('SIGKILL')
        expect((await first.done).signal).toBe('SIGKILL')

        // The state file names the upload, owner-only; the service still holds it (not deleted), with parts missing.
        expect(statSync(state).mode & 0o777).toBe(0o600)
        const entries = JSON.parse(readFileSync(state, 'utf8'))
        expect(entries).toEqual([
          {
            url,
            path,
            size: data.length,
            mtime: statSync(path).mtimeMs,
            id: expect.stringMatching(/^[\w-]+$/),
            expiresAt: expect.any(String),
          },
        ])
        // A part whose last bytes went out just before the kill may still be being stored: wait until the service is still.
        let upload = await admin.uploads.get(entries[0].id)
        for (let previous = ''; previous !== upload.received.join(); upload = await admin.uploads.get(entries[0].id)) {
          previous = upload.received.join()
          await new Promise((resolve) => setTimeout(resolve, 1000))
        }
        expect(upload).toMatchObject({ size: data.length, parts: 4 })
        expect(upload.received.length).toBeGreaterThanOrEqual(1)
        expect(upload.received.length).toBeLessThan(4)
        const missing = 4 - upload.received.length

        const sentBefore = proxy.parts()
        const storedBefore = partsStored()
        const second = await run().done
        const [shared] = json(second)
        expect(second.stderr).toBe('')
        // Only the missing parts went out, and the service stored just those.
        expect(proxy.parts() - sentBefore).toBe(missing)
        await expect.poll(() => partsStored() - storedBefore).toBe(missing)
        expect(shared.file).toMatchObject({ name: 'resumable.iso', size: data.length, sha256: sha256(data) })
        expect(sha256(new Uint8Array(await (await fetch(shared.link.downloadUrl)).arrayBuffer()))).toBe(sha256(data))
        expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual([])
      } finally {
        await proxy.close()
      }
    })

    it('starts a new upload when the remembered one is gone or was declared for another size', async () => {
      const gone = file('gone.bin', bytes(PART + 1000, 29))
      const resized = file('resized.bin', bytes(PART + 2000, 30))
      const config = join(scratchDir('cli-resume-new'), 'config.json')
      const state = join(dirname(config), 'uploads.json')
      const aborted = await admin.uploads.create({ name: 'gone.bin', size: PART + 1000 })
      await admin.uploads.abort(aborted.id)
      const other = await admin.uploads.create({ name: 'resized.bin', size: PART + 1 })
      const entry = (path: string, id: string) => {
        const { size, mtimeMs } = statSync(path)
        return { url: target.baseUrl, path, size, mtime: mtimeMs, id, expiresAt: other.expiresAt }
      }
      writeFileSync(state, JSON.stringify([entry(gone, aborted.id), entry(resized, other.id)]))
      const before = partsStored()
      const shared = json(await cli(['share', gone, resized, '--json'], { FUSELINK_CONFIG: config }))
      expect(shared.map((s: any) => [s.file.name, s.file.size])).toEqual([
        ['gone.bin', PART + 1000],
        ['resized.bin', PART + 2000],
      ])
      // Two new uploads of two parts each; the one of another size is left as it was.
      await expect.poll(() => partsStored() - before).toBe(4)
      expect((await admin.uploads.get(other.id)).received).toEqual([])
      expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual([])
    })

    it('prints a QR code of the link with --qr', async () => {
      const run = ok(await cli(['share', file('qr.txt', 'scan me'), '--qr']))
      const [url, ...rest] = run.stdout.split('\n')
      expect(rest.join('\n')).toBe(`${renderUnicodeCompact(url!)}\n`)
      expect(rest.length).toBeGreaterThan(20)
    })
  })

  describe('links, files and keys', SLOW, () => {
    it('shows a link without a download limit as unlimited', async () => {
      const { link } = json(await cli(['share', file('unlimited.txt', 'unlimited'), '--json']))[0]
      await admin.call('PATCH /api/v1/links/{id}', { path: { id: link.id }, body: { maxDownloads: null } })
      const [table, shown] = await Promise.all([cli(['links', `--file=${link.fileId}`]), cli(['link', link.url])])
      expect(ok(table).stdout).toMatch(new RegExp(`^${link.id} +active +0/unlimited +`, 'm'))
      expect(ok(shown).stdout).toMatch(/^downloads +0 of unlimited$/m)
    })

    it('lists, shows and revokes links (by URL and by id), lists and removes files', async () => {
      const shared = json(await cli(['share', file('listed.txt', 'listed'), file('other.txt', 'other'), '--json', '--downloads', '5']))
      const [first, second] = shared.map((s: any) => s.link)
      const [table, listed, shown, files] = await Promise.all([
        cli(['links']),
        cli(['links', `--file=${first.fileId}`, '--json']),
        cli(['link', first.url]),
        cli(['files', '--json', '--limit', '2']),
      ])
      expect(ok(table).stdout.split('\n')[0]).toMatch(/^ID +STATUS +DOWNLOADS +EXPIRES +FILE +OWNER$/)
      expect(table.stdout).toMatch(
        new RegExp(`^${first.id} +active +0/5 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC +${first.fileId} +ADMIN_API_KEY \\(admin\\)$`, 'm'),
      )
      expect(json(listed).items.map((l: any) => l.id)).toEqual([first.id])
      expect(ok(shown).stdout).toMatch(new RegExp(`^url +${first.url.replace(/[.?]/g, '\\$&')}$`, 'm'))
      expect(shown.stdout).toMatch(/^downloads +0 of 5 \(5 left\)$/m)
      expect(new Set(json(files).items.map((f: any) => f.name))).toEqual(new Set(['listed.txt', 'other.txt']))

      const [byUrl, byId] = await Promise.all([cli(['revoke', first.url]), cli(['revoke', second.id, '--json'])])
      expect(ok(byUrl).stdout).toBe('')
      expect(byUrl.stderr).toBe(`revoked link ${first.id}\n`)
      expect(json(byId)).toEqual({ revoked: [second.id] })
      for (const link of [first, second]) expect((await fetch(link.downloadUrl)).status).toBe(410)
      expect((await admin.links.get(first.id)).status).toBe('revoked')

      expect(ok(await cli(['rm', first.fileId])).stderr).toBe(`deleted file ${first.fileId}\n`)
      await expect(admin.files.get(first.fileId)).rejects.toSatisfy((error) => isProblem(error, 'not_found'))
    })

    it('creates a key whose secret alone is printed, lists by owner, and disables it with its links', async () => {
      const created = ok(await cli(['keys', 'create', 'ci pipeline']))
      const secret = created.stdout.trim()
      expect(created.stdout).toBe(`${secret}\n`)
      expect(secret).toMatch(/^fl_[\w-]{43}$/)
      const id = /created user key (\S+) "ci pipeline"/.exec(created.stderr)![1]!
      const mine = json(await cli(['share', file('ci.txt', 'built'), '--json'], { FUSELINK_KEY: secret }))[0]
      const [owned, asUser] = await Promise.all([
        cli(['links', `--owner=${id}`, '--json']),
        cli(['links', '--json'], { FUSELINK_KEY: secret }),
      ])
      expect(json(owned).items).toEqual([
        expect.objectContaining({ id: mine.link.id, owner: { kind: 'api_key', id, name: 'ci pipeline' } }),
      ])
      expect(json(asUser).items.map((l: any) => [l.id, l.owner])).toEqual([[mine.link.id, undefined]])

      expect(json(await cli(['keys', 'disable', id, '--revoke-links', '--json']))).toEqual({ id, disabled: true, revokedLinks: true })
      expect((await fetch(mine.link.downloadUrl)).status).toBe(410)
      expect((await admin.links.get(mine.link.id)).status).toBe('revoked')
      const refused = await cli(['files'], { FUSELINK_KEY: secret })
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(/\(unauthorized, HTTP 401\)/)
    })
  })

  describe('users', SLOW, () => {
    it('adds a user with an invite link, or with a password from stdin; their keys own nothing apart from them', async () => {
      const invited = `invited-${kind.runtime}`
      const withPassword = `signed-${kind.runtime}`
      const password = 'a password from stdin'
      const [invite, added, refused] = await Promise.all([
        cli(['users', 'add', invited]),
        cli(['users', 'add', withPassword, '--role', 'admin', '--password', '--json'], {}, `${password}\nignored second line\n`),
        cli(['users', 'add', invited, '--role', 'owner']),
      ])
      expect(ok(invite).stdout).toMatch(new RegExp(`^${target.baseUrl}/invite/[\\w-]+\\.[\\w-]+\\.[\\w-]+\n$`))
      expect(invite.stderr).toMatch(new RegExp(`^added user ${invited} \\([\\w-]+\\): send them the invite link above`))
      const user = json(added)
      expect(user).toMatchObject({ username: withPassword, role: 'admin', disabledAt: null })
      expect(user).not.toHaveProperty('inviteUrl')
      expect(refused.code).toBe(2)
      expect(refused.stderr).toMatch(/--role: user or admin, got "owner"/)
      const again = await cli(['users', 'add', invited.toUpperCase()])
      expect(again.code).toBe(1)
      expect(again.stderr).toMatch(/\(conflict, HTTP 409\)/)

      // The password piped in is the one that signs in.
      const session = await SessionClient.signIn(target, withPassword, password)
      const key = await session.json('POST', '/api/v1/keys', { json: { name: 'their cli', role: 'user' } }, 201)
      const shared = json(await cli(['share', file('theirs.txt', 'theirs'), '--json'], { FUSELINK_KEY: key.key }))[0]
      const listed = json(await cli(['links', `--owner=${user.id}`, '--json']))
      expect(listed.items).toEqual([
        expect.objectContaining({ id: shared.link.id, owner: { kind: 'user', id: user.id, name: withPassword } }),
      ])
    })
  })

  describe('exit codes and messages', SLOW, () => {
    it('exits 1 with the code when refused, 2 on usage, 3 when nothing answers, 4 on a local failure', async () => {
      const closed = await freePort()
      const [refused, refusedJson, forbidden, usage, unknown, unreachable, missing, noKey] = await Promise.all([
        cli(['link', 'nosuchlink']),
        cli(['link', 'nosuchlink', '--json']),
        cli(['links', '--owner', 'someoneelse'], { FUSELINK_KEY: (await admin.keys.create({ name: 'plain', role: 'user' })).key }),
        cli(['share', '--downloads', 'many', 'x.txt']),
        cli(['share', 'x.txt', '--bogus']),
        cli(['files', '--url', `http://127.0.0.1:${closed}`]),
        cli(['share', join(files, 'no such file.txt')]),
        cli(['files'], { FUSELINK_KEY: '' }),
      ])
      expect([refused, refusedJson, forbidden].map((run) => run.code)).toEqual([1, 1, 1])
      expect(refused.stderr).toBe('fuselink: No such link. (not_found, HTTP 404)\n')
      expect(refused.stdout).toBe('')
      expect(refusedJson.stdout).toBe('')
      expect(JSON.parse(refusedJson.stderr)).toEqual({ error: { code: 'not_found', status: 404, detail: 'No such link.' } })
      expect(forbidden.stderr).toMatch(/\(forbidden, HTTP 403\)/)
      expect([usage.code, unknown.code, noKey.code]).toEqual([2, 2, 2])
      expect(usage.stderr).toMatch(/--downloads: give a whole number/)
      expect(usage.stderr).toMatch(/^usage: fuselink share FILE\.\.\./m)
      expect(unknown.stderr).toMatch(/Unknown option '--bogus'/)
      expect(noKey.stderr).toMatch(/no API key: pass --key, set FUSELINK_KEY, or run `fuselink login`/)
      expect(unreachable.code).toBe(3)
      expect(unreachable.stderr).toMatch(new RegExp(`^fuselink: cannot reach http://127\\.0\\.0\\.1:${closed}: .*ECONNREFUSED`))
      expect(missing.code).toBe(4)
      expect(missing.stderr).toMatch(/no such file\.txt: no such file/)
    })

    it('takes the URL and key from flags, else the environment, else the config file written by login (0600)', async () => {
      const config = join(scratchDir('cli-config'), 'fuselink', 'config.json')
      const base = { HOME: home, FUSELINK_CONFIG: config }
      const login = await runCli(['login', '--url', target.baseUrl, '--key', target.adminKey], { env: base })
      expect(login.code, login.stderr).toBe(0)
      expect(statSync(config).mode & 0o777).toBe(0o600)
      expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ url: target.baseUrl, key: target.adminKey })
      const [fromFile, envOverFile, flagOverEnv, badLogin] = await Promise.all([
        runCli(['files', '--json'], { env: base }),
        runCli(['files'], { env: { ...base, FUSELINK_KEY: 'fl_not-the-key-not-the-key' } }),
        runCli(['files', '--json', '--key', target.adminKey], { env: { ...base, FUSELINK_KEY: 'fl_not-the-key-not-the-key' } }),
        runCli(['login', '--url', target.baseUrl, '--key', 'fl_wrong-wrong-wrong'], {
          env: { ...base, FUSELINK_CONFIG: `${config}.other` },
        }),
      ])
      expect(json(fromFile).items).toBeInstanceOf(Array)
      expect(envOverFile.code).toBe(1)
      expect(json(flagOverEnv).items).toBeInstanceOf(Array)
      expect(badLogin.code).toBe(1)
      expect(() => statSync(`${config}.other`)).toThrow()
      chmodSync(config, 0o644)
      const exposed = await runCli(['files'], { env: base })
      expect(exposed.code).toBe(4)
      expect(exposed.stderr).toContain(`may be read by others (mode 644); it holds an API key: chmod 600 ${config}`)
    })
  })

  describe('keygen', SLOW, () => {
    it("makes a fresh Ed25519 or P-256 key, with the service's keys in use for TOKEN_VERIFY_KEYS", async () => {
      const [ed, p256, text] = await Promise.all([cli(['keygen', '--json']), cli(['keygen', '--p256', '--json']), cli(['keygen'])])
      const inUse = await admin.publicKeys()
      const made = json(ed)
      expect(made.signingKey).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: made.kid, d: expect.any(String) })
      expect(made.publicJwk).not.toHaveProperty('d')
      expect(made.verifyKeys).toEqual(inUse)
      expect(inUse.keys.map((k) => k.kid)).not.toContain(made.kid)
      expect(json(p256).signingKey).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', d: expect.any(String) })
      const lines = ok(text).stdout.split('\n')
      const signing = JSON.parse(lines[lines.indexOf('TOKEN_SIGNING_KEY (private: a secret, like a password):') + 1]!)
      expect(signing).toMatchObject({ kty: 'OKP', d: expect.any(String) })
      expect(text.stdout).toContain(JSON.stringify(inUse))
      expect(text.stdout).toContain('npx wrangler secret put TOKEN_VERIFY_KEYS')
    })
  })
}
