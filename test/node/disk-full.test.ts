import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../support/api'
import { nodeDisk } from '../support/node-service'
import type { ServiceTarget } from '../support/target'

/*
 * Disk full during an upload (docs/security.md, "Faults"): the objects
 * directory is a real tmpfs of a few MiB, so the write fails with ENOSPC from
 * the kernel. The upload answers 507 insufficient_storage, leaves no file
 * record and no staged bytes, and the next upload that fits is stored.
 * Mounting needs root (CAP_SYS_ADMIN); elsewhere the test is skipped.
 */

const SIZE_MIB = 4

function canMountTmpfs(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'fuselink-mount-probe-'))
  try {
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status !== 0) return false
    spawnSync('umount', [probe])
    return true
  } finally {
    rmdirSync(probe)
  }
}

describe.skipIf(!canMountTmpfs())('disk full during an upload (a tmpfs under the objects; needs mount rights)', () => {
  let target: ServiceTarget
  let api: Api
  let objects: string

  beforeAll(async () => {
    target = await nodeDisk.start({ env: { RATE_LIMIT: '0' } })
    api = new Api(target)
    const database = (await target.query<{ name: string; file: string }>('PRAGMA database_list')).find((db) => db.name === 'main')!.file
    objects = join(dirname(database), 'objects')
    mkdirSync(objects, { recursive: true, mode: 0o700 })
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MIB}m,mode=0700`, 'tmpfs', objects])
    expect(mounted.status, String(mounted.stderr)).toBe(0)
  })
  afterAll(async () => {
    if (objects) spawnSync('umount', [objects])
    await target?.stop()
  })

  test('507 insufficient_storage, no record and no staged bytes left; an upload that fits is stored after', async () => {
    const files = await target.query<{ n: number }>('SELECT COUNT(*) AS n FROM files')
    for (const form of ['raw', 'multipart'] as const) {
      const data = bytes((SIZE_MIB + 2) * 1024 * 1024, 6)
      const response =
        form === 'raw'
          ? await api.request('POST', '/api/v1/files?name=too-big.bin', {
              body: data,
              headers: { 'content-type': 'application/octet-stream' },
            })
          : await api.request('POST', '/api/v1/files', { body: multipartOf(data) })
      expect(response.status, form).toBe(507)
      expect((await response.json()).code).toBe('insufficient_storage')
      expect(await target.query('SELECT COUNT(*) AS n FROM files')).toEqual(files)
      expect(await target.listObjects()).toEqual([])
    }
    const fits = await api.upload('fits.bin', bytes(1024 * 1024, 7))
    expect(await target.listObjects()).toEqual([expect.stringContaining(fits.id)])
    expect(target.log()).not.toMatch(/unhandled error/)
  })
})

function multipartOf(data: Uint8Array): FormData {
  const form = new FormData()
  form.append('file', new Blob([data as Uint8Array<ArrayBuffer>]), 'too-big.bin')
  return form
}
