import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { linesPerTurn } from '../../src/node/log-lines'

const MODULE = fileURLToPath(new URL('../../src/node/log-lines.ts', import.meta.url))

describe('linesPerTurn', () => {
  it('writes the lines of one turn of the event loop together, in order, and nothing before the turn ends', async () => {
    const writes: string[] = []
    const line = linesPerTurn((text) => writes.push(text))
    line('one')
    line('two')
    line('three')
    expect(writes).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toEqual(['one\ntwo\nthree\n'])
    line('four')
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toEqual(['one\ntwo\nthree\n', 'four\n'])
  })

  it('writes what is pending when the process exits at once (process.exit in the same turn)', () => {
    const program = `
      const { linesPerTurn } = await import(${JSON.stringify(MODULE)})
      const line = linesPerTurn((text) => process.stderr.write(text))
      line('stopping')
      line('stopped')
      process.exit(0)
    `
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { encoding: 'utf8' })
    expect(run.status).toBe(0)
    expect(run.stderr).toBe('stopping\nstopped\n')
  })
})
