import { createHash, randomBytes } from 'node:crypto'
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from '../support/api'
import { killMidPart, runChunkedUploader } from '../support/chunked-uploader-run'
import { removeScratch, scratchDir } from '../support/scratch'
import type { ServiceTarget, TargetKind } from '../support/target'

const MIB = 1024 * 1024

/** A file of `size` random bytes, written 16 MiB at a time (never whole in memory); its sha256. */
function writeRandomFile(path: string, size: number): string {
  const hash = createHash('sha256')
  const fd = openSync(path, 'w')
  try {
    for (let written = 0; written < size; ) {
      const chunk = randomBytes(Math.min(16 * MIB, size - written))
      writeSync(fd, chunk)
      hash.update(chunk)
      written += chunk.byteLength
    }
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}

/** The resident memory of a process, sampled every 50 ms until stopped: what it was at the start, and the peak. */
function sampleResidentMemory(pid: number) {
  const read = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024
  const before = read()
  let peak = before
  const timer = setInterval(() => {
    peak = Math.max(peak, read())
  }, 50)
  return {
    before,
    stop: () => {
      clearInterval(timer)
      return Math.max(peak, read())
    },
  }
}

/**
 * One large file uploaded in parts by a client killed in the middle of a part
 * and run again (docs/uploads.md): the second run sends only the parts the
 * service lacks, the file has the sha256 of the bytes on disk and downloads
 * whole, and on Node the server's memory stays flat — a few parts in flight,
 * never the file. `size` is 2 GiB on Node; the Worker takes 300 MB, three
 * times its 100 MB request limit (its memory is the local runtime's, not the
 * edge's, so it is not judged here).
 */
export function defineLargeUploadSuite(kind: TargetKind, size: number, label: string) {
  describe(`a ${label} upload in parts over a dropped connection, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api
    let dir: string

    beforeAll(async () => {
      target = await kind.start({ env: { RATE_LIMIT: '0' } })
      api = new Api(target)
      dir = scratchDir('large-upload')
    })
    afterAll(async () => {
      await target?.stop()
      if (dir) removeScratch(dir)
    })

    it('resumes after the client is killed mid-part, stores the exact bytes, and downloads them whole', async () => {
      const path = join(dir, 'large.bin')
      const sha256 = writeRandomFile(path, size)
      const memory = target.pid ? sampleResidentMemory(target.pid) : null
      const state = join(dir, 'upload-id')

      const first = runChunkedUploader(target.baseUrl, target.adminKey, path, state, 0)
      const created = new Promise<{ partSize: number; parts: number }>((resolve) =>
        first.on((event) => event.event === 'created' && resolve(event as never)),
      )
      await killMidPart(first, 3, 4 * MIB)
      await first.exited
      const { partSize, parts } = await created
      expect(parts).toBeGreaterThan(3)

      const second = runChunkedUploader(target.baseUrl, target.adminKey, path, state, 0)
      expect(await second.exited, second.stderr()).toBe(0)
      expect(second.events[0]).toMatchObject({ event: 'resumed', received: [1, 2] })
      const done = second.events.find((event) => event.event === 'done')!
      expect(done.written).toBe(size - 2 * partSize)
      expect(done.file).toMatchObject({ name: 'large.bin', size, sha256 })

      const peak = memory?.stop()
      if (memory && peak !== undefined) {
        console.log(
          `${kind.name}: ${label} in ${parts} parts; server RSS ${(memory.before / MIB).toFixed(0)} MiB before, peak ${(peak / MIB).toFixed(0)} MiB`,
        )
        expect(peak - memory.before).toBeLessThan(192 * MIB)
      }

      const link = await api.issue(done.file.id, { maxDownloads: 1 })
      const download = await fetch(link.downloadUrl)
      expect(download.status).toBe(200)
      expect(download.headers.get('content-length')).toBe(String(size))
      const received = createHash('sha256')
      let length = 0
      for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) {
        received.update(chunk)
        length += chunk.byteLength
      }
      expect(length).toBe(size)
      expect(received.digest('hex')).toBe(sha256)
    }, 900_000)
  })
}
