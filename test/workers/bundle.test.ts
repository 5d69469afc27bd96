import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, expect, test } from 'vitest'
import { buildWorkerBundle } from '../../tools/workerd/runtime'
import { removeScratch, scratchDir } from '../support/scratch'

// Workers Free accepts scripts up to 3 MiB after gzip.
const FREE_PLAN_GZIP_LIMIT = 3 * 1024 * 1024
const outDir = scratchDir('dist')

afterAll(() => removeScratch(outDir))

test('wrangler deploy --dry-run bundles the Worker offline, within the free plan, without DOMParser', async () => {
  const output = await buildWorkerBundle(outDir)
  expect(output).toContain('--dry-run: exiting now.')
  const script = readFileSync(join(outDir, 'main.js'))
  const raw = statSync(join(outDir, 'main.js')).size
  const gzip = gzipSync(script, { level: 9 }).byteLength
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
  console.log(`worker bundle: raw ${kib(raw)}, gzip ${kib(gzip)} (${/Total Upload: .*/.exec(output)?.[0] ?? 'wrangler printed no total'})`)
  expect(gzip).toBeLessThan(FREE_PLAN_GZIP_LIMIT)
  // The [alias] of wrangler.toml swapped @aws-sdk/xml-builder's DOMParser
  // build (workerd has no DOMParser) for its pure-JS parser. (The page's own
  // browser code, embedded as text, may use DOMParser: it runs in browsers.)
  const text = script.toString('utf8')
  expect(text).not.toContain('DOMParser XML parsing error')
  expect(text).toContain('@aws-sdk XML parse error')
})
