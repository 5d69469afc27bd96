import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { appConfig } from '../../src/core/config'
import { ConfigError } from '../../src/core/errors'
import { namesReadBy, readSettings, requireSettings, SETTING_LIST, type SettingRow, secretValues } from '../../src/core/settings'

// The settings table is the one definition: these tests hold the README's
// configuration table and wrangler.toml to it, and its readers to the rules.

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const WRANGLER_TOML = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8')

const HEADER = ['name', 'read by', 'secret', 'meaning', 'default']

/** A row of the README's configuration table, as the table defines it. */
function readmeCells(row: SettingRow): string[] {
  const readBy = { node: 'Node', workers: 'Workers', both: 'both' }[row.runtimes]
  const shownDefault = row.requiredOn === 'workers' ? `${row.shownDefault}; Workers: required` : row.shownDefault
  return [`\`${row.name}\``, readBy, row.secret ? 'yes' : '', row.meaning, shownDefault]
}

/** The table as markdown, columns aligned, to paste into the README when a setting changes. */
function renderTable(): string {
  const rows = [HEADER, HEADER.map(() => ''), ...SETTING_LIST.map(readmeCells)]
  const widths = HEADER.map((_, column) => Math.max(3, ...rows.map((cells) => [...cells[column]!].length)))
  return rows
    .map((cells, index) => {
      const padded = cells.map((cell, column) => (index === 1 ? '-'.repeat(widths[column]!) : cell.padEnd(widths[column]!)))
      return `| ${padded.join(' | ')} |`
    })
    .join('\n')
}

/** The cells of every row of the first table under "## Configuration", header and separator left out. */
function readmeTable(): string[][] {
  const section = README.slice(README.indexOf('\n## Configuration\n'))
  const lines = section.split('\n')
  const start = lines.findIndex((line) => line.startsWith('|'))
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'))
  return lines.slice(start, end).map((line) =>
    line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim()),
  )
}

/** Names in wrangler.toml's [vars], set or commented out, and those it says to `wrangler secret put`. */
function wranglerNames(): { vars: string[]; secrets: string[] } {
  const varsSection = WRANGLER_TOML.slice(WRANGLER_TOML.indexOf('\n[vars]\n')).split(/\n\[(?!vars\])/)[0]!
  const vars = [...varsSection.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)\s*=/gm)].map((match) => match[1]!)
  const secrets = [...WRANGLER_TOML.matchAll(/wrangler secret put ([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!)
  return { vars, secrets }
}

function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe('the settings table', () => {
  test('names each setting once, in upper snake case', () => {
    const names = SETTING_LIST.map((row) => row.name)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/)
  })

  test("the README's configuration table has exactly its rows", () => {
    const [header, separator, ...rows] = readmeTable()
    const expected = `the README's table should read:\n${renderTable()}\n`
    expect([header, ...rows], expected).toEqual([HEADER, ...SETTING_LIST.map(readmeCells)])
    expect(
      separator?.every((cell) => /^:?-+:?$/.test(cell)),
      expected,
    ).toBe(true)
  })

  test('wrangler.toml names every Worker setting: the others in [vars], the secrets with `wrangler secret put`, none elsewhere', () => {
    const { vars, secrets } = wranglerNames()
    const workers = SETTING_LIST.filter((row) => namesReadBy('workers').includes(row.name))
    expect(new Set(vars)).toEqual(new Set(workers.filter((row) => !row.secret).map((row) => row.name)))
    expect(new Set(secrets)).toEqual(new Set(workers.filter((row) => row.secret).map((row) => row.name)))
  })

  test('a bad value of a secret setting is refused without being quoted', () => {
    const secrets = SETTING_LIST.filter((row) => row.secret)
    expect(secrets.length).toBeGreaterThan(0)
    for (const row of secrets) {
      for (const value of ['x', 'short-secret-value', 'a value with spaces that is long enough', '{"kty":"OKP","d":"private"}']) {
        const error = thrown(() => row.parse(value, row.name))
        if (error === undefined) continue
        expect(error).toBeInstanceOf(ConfigError)
        expect((error as ConfigError).setting).toBe(row.name)
        expect((error as Error).message).not.toContain(value)
      }
    }
  })
})

describe('reading settings', () => {
  test('defaults as the README states them', () => {
    expect(appConfig(readSettings({}, 'node'), 'http://localhost:8787')).toEqual({
      publicUrl: 'http://localhost:8787',
      maxUploadBytes: 5 * 1024 ** 3,
      maxLinkTtl: 2_592_000,
      resumeGrace: 3600,
      sessionTtl: 604_800,
      inviteTtl: 604_800,
      rateLimit: 120,
      s3: null,
      oidc: null,
    })
    expect(readSettings({}, 'node')).toMatchObject({ port: 8787, host: '127.0.0.1', dataDir: './data', adminApiKey: null, setupTtl: 3600 })
  })

  test('reads every setting', () => {
    const config = appConfig(
      readSettings(
        {
          PUBLIC_URL: 'https://share.example.com/',
          MAX_UPLOAD_BYTES: '1024',
          MAX_LINK_TTL: '60',
          RESUME_GRACE: '0',
          SESSION_TTL: '3600',
          INVITE_TTL: '86400',
          RATE_LIMIT: '0',
          S3_BUCKET: 'b',
          S3_ENDPOINT: 'http://127.0.0.1:9000',
          S3_REGION: 'auto',
          S3_ACCESS_KEY_ID: 'id',
          S3_SECRET_ACCESS_KEY: 'secret',
          S3_FORCE_PATH_STYLE: 'true',
          OIDC_ISSUER: 'https://idp.example.com/realms/main',
          OIDC_AUDIENCE: 'https://share.example.com/api',
          OIDC_CLIENT_ID: 'fuselink',
          OIDC_CLIENT_SECRET: 'client-secret',
          OIDC_ROLE_CLAIM: 'realm_access.roles',
        },
        'workers',
      ),
      null,
    )
    expect(config).toEqual({
      publicUrl: 'https://share.example.com',
      maxUploadBytes: 1024,
      maxLinkTtl: 60,
      resumeGrace: 0,
      sessionTtl: 3600,
      inviteTtl: 86400,
      rateLimit: 0,
      s3: {
        bucket: 'b',
        endpoint: 'http://127.0.0.1:9000',
        region: 'auto',
        accessKeyId: 'id',
        secretAccessKey: 'secret',
        forcePathStyle: true,
      },
      oidc: {
        issuer: 'https://idp.example.com/realms/main',
        audience: 'https://share.example.com/api',
        client: { id: 'fuselink', secret: 'client-secret' },
        roleClaim: 'realm_access.roles',
      },
    })
  })

  test('blank is unset, and unquoted [vars] (numbers, booleans) read as they print', () => {
    const values = readSettings({ MAX_LINK_TTL: 60, S3_FORCE_PATH_STYLE: true, RATE_LIMIT: '  ', PUBLIC_URL: '' }, 'workers')
    expect(values).toMatchObject({ maxLinkTtl: 60, s3ForcePathStyle: true, rateLimit: 120, publicUrl: null })
  })

  test('a runtime reads only its own settings', () => {
    expect(readSettings({ PORT: 'eighty', DATA_DIR: '/srv' }, 'workers')).toMatchObject({ port: 8787, dataDir: './data' })
    expect(namesReadBy('workers')).not.toContain('PORT')
    expect(namesReadBy('node')).toContain('PORT')
  })

  test.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['MAX_UPLOAD_BYTES', { MAX_UPLOAD_BYTES: 'lots' }],
    ['MAX_UPLOAD_BYTES', { MAX_UPLOAD_BYTES: '0' }],
    ['MAX_LINK_TTL', { MAX_LINK_TTL: '-5' }],
    ['RESUME_GRACE', { RESUME_GRACE: '1.5' }],
    ['RATE_LIMIT', { RATE_LIMIT: 'ten' }],
    ['SESSION_TTL', { SESSION_TTL: '30' }],
    ['INVITE_TTL', { INVITE_TTL: '0' }],
    ['SETUP_TTL', { SETUP_TTL: 'an hour' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'not a url' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://example.com' }],
    ['ADMIN_API_KEY', { ADMIN_API_KEY: 'short' }],
    ['S3_ENDPOINT', { S3_BUCKET: 'b', S3_ENDPOINT: '::' }],
    ['S3_SECRET_ACCESS_KEY', { S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' }],
    ['S3_FORCE_PATH_STYLE', { S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'maybe' }],
  ])('a bad %s is named', (setting, env) => {
    const error = thrown(() => appConfig(readSettings(env, 'node'), null))
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).setting).toBe(setting)
    expect((error as ConfigError).message.startsWith(`${setting}:`)).toBe(true)
  })

  test('what a runtime requires must be set: the first unset one is named', () => {
    const missing = (row: SettingRow) => new ConfigError(row.name, 'is not set')
    const complete = {
      ADMIN_API_KEY: 'an-admin-key-long-enough',
      TOKEN_SIGNING_KEY: 'a-signing-secret-of-at-least-32-bytes',
      S3_BUCKET: 'b',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
    }
    expect(requireSettings(readSettings(complete, 'workers'), 'workers', missing).s3Bucket).toBe('b')
    for (const name of Object.keys(complete)) {
      const error = thrown(() => requireSettings(readSettings({ ...complete, [name]: '' }, 'workers'), 'workers', missing))
      expect((error as ConfigError).setting).toBe(name)
    }
    // Node generates what it lacks.
    expect(requireSettings(readSettings({}, 'node'), 'node', missing).adminApiKey).toBeNull()
  })

  test('secretValues gives the secrets that are set, nothing else', () => {
    expect(secretValues({ ADMIN_API_KEY: ' an-admin-key-long-enough ', S3_BUCKET: 'b', TOKEN_VERIFY_KEYS: '' }).sort()).toEqual([
      'an-admin-key-long-enough',
    ])
  })
})
