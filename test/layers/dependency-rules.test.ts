import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

// `npm run lint` runs dependency-cruiser with .dependency-cruiser.cjs over
// src/ and tools/. Here the same rules run over a tiny tree that breaks each
// of them once, so a rule that stops matching (a renamed folder, a changed
// option) fails this test instead of passing every tree silently.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURE = fileURLToPath(new URL('./fixture', import.meta.url))

interface Violation {
  from: string
  to: string
  rule: { name: string; severity: string }
}

function cruise(): { errors: number; violations: Violation[] } {
  const run = spawnSync(
    process.execPath,
    [
      `${ROOT}/node_modules/dependency-cruiser/bin/dependency-cruise.mjs`,
      'src',
      'tools',
      '--config',
      `${ROOT}/.dependency-cruiser.cjs`,
      '-T',
      'json',
    ],
    { cwd: FIXTURE, encoding: 'utf8' },
  )
  if (!run.stdout) throw new Error(`dependency-cruiser printed nothing: ${run.stderr}`)
  const { summary } = JSON.parse(run.stdout)
  return { errors: summary.error, violations: summary.violations }
}

test('every layer rule reports its violation in the fixture tree, and only those', () => {
  const { errors, violations } = cruise()
  const found = violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^(\.\.\/)+node_modules\/([^/]+)\/.*$/, '$2')}`)
  expect(found.sort()).toEqual(
    [
      // Hono's types alone are already too much for the core.
      'core-is-pure: src/core/rules.ts → hono',
      'core-is-pure: src/core/rules.ts → fs',
      'http-sees-ports: src/http/app.ts → src/adapters/store.ts',
      'no-undeclared-packages: src/http/app.ts → fast-check',
      'adapters-implement-ports: src/adapters/store.ts → src/http/app.ts',
      'no-unresolvable: src/adapters/store.ts → ./missing',
      'node-entry-alone: src/node/main.ts → src/workers/main.ts',
      'workers-entry-alone: src/workers/main.ts → src/node/main.ts',
      'src-stands-alone: src/workers/main.ts → tools/tool.ts',
      // Miniflare's types (import type) are allowed; s3rver's code is not.
      'no-dev-dependencies-in-src: src/workers/main.ts → s3rver',
      'no-circular: src/core/cycle-a.ts → src/core/cycle-b.ts',
      'no-circular: src/adapters/store.ts → src/http/app.ts',
      'no-circular: src/node/main.ts → src/workers/main.ts',
      'client-stands-alone: src/client/index.ts → fs',
      'client-stands-alone: src/client/index.ts → src/core/rules.ts',
      'client-is-for-callers: src/http/app.ts → src/client/index.ts',
      'nothing-imports-the-cli: src/node/main.ts → src/cli/main.ts',
    ].sort(),
  )
  // `npm run lint` exits with the number of errors: every violation is one.
  expect(errors).toBe(violations.length)
})
