import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { basename } from 'node:path'
import { pathToFileURL } from 'node:url'

/*
 * A client of the uploads in parts, run as its own process by the tests that
 * kill it mid-part (`node --import tsx test/support/chunked-uploader.ts`):
 *
 *   chunked-uploader.ts <base-url> <credential> <file> <state-file> [pace-ms]
 *
 * It remembers the upload's id in <state-file>; run again, it asks the
 * service which parts it holds and sends only the others, one at a time,
 * from the file on disk (never the whole file in memory), 256 KiB per write,
 * waiting pace-ms between writes. It prints one JSON line per event
 * (created, resumed, part, progress, done) with the body bytes it wrote so far.
 */

const WRITE = 256 * 1024

interface Upload {
  id: string
  size: number
  partSize: number
  parts: number
  received: number[]
}

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

function call(method: string, url: string, credential: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' } }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Sends one part from the file, counting the body bytes handed to the socket. */
async function sendPart(
  url: string,
  credential: string,
  file: string,
  start: number,
  length: number,
  pace: number,
  onWritten: (bytes: number) => void,
) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${credential}`, 'content-length': String(length), 'content-type': 'application/octet-stream' },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
    req.on('error', reject)
    const source = createReadStream(file, { start, end: start + length - 1, highWaterMark: WRITE })
    source.on('error', reject)
    ;(async () => {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (!req.write(chunk)) await new Promise((drained) => req.once('drain', drained))
        onWritten(chunk.byteLength)
        if (pace > 0) await sleep(pace)
      }
      req.end()
    })().catch(reject)
  })
}

async function main(): Promise<void> {
  const [base, credential, file, stateFile, paceText] = process.argv.slice(2)
  if (!base || !credential || !file || !stateFile)
    throw new Error('usage: chunked-uploader.ts <base-url> <credential> <file> <state-file> [pace-ms]')
  const pace = Number(paceText ?? 0)
  const size = statSync(file).size

  let upload: Upload | null = null
  if (existsSync(stateFile)) {
    const answer = await call('GET', `${base}/api/v1/uploads/${readFileSync(stateFile, 'utf8').trim()}`, credential)
    if (answer.status === 200) {
      upload = JSON.parse(answer.text) as Upload
      emit({ event: 'resumed', id: upload.id, received: upload.received })
    }
  }
  if (!upload) {
    const answer = await call('POST', `${base}/api/v1/uploads`, credential, JSON.stringify({ name: basename(file), size }))
    if (answer.status !== 201) throw new Error(`create: ${answer.status} ${answer.text}`)
    upload = JSON.parse(answer.text) as Upload
    writeFileSync(stateFile, upload.id)
    emit({ event: 'created', id: upload.id, parts: upload.parts, partSize: upload.partSize })
  }

  let written = 0
  const held = new Set(upload.received)
  for (let n = 1; n <= upload.parts; n++) {
    if (held.has(n)) continue
    const start = (n - 1) * upload.partSize
    const length = n < upload.parts ? upload.partSize : size - start
    let partWritten = 0
    const answer = await sendPart(`${base}/api/v1/uploads/${upload.id}/parts/${n}`, credential, file, start, length, pace, (bytes) => {
      written += bytes
      partWritten += bytes
      emit({ event: 'progress', part: n, partWritten, written })
    })
    if (answer.status !== 200) throw new Error(`part ${n}: ${answer.status} ${answer.text}`)
    emit({ event: 'part', part: n, written })
  }
  const done = await call('POST', `${base}/api/v1/uploads/${upload.id}/complete`, credential)
  if (done.status !== 201) throw new Error(`complete: ${done.status} ${done.text}`)
  emit({ event: 'done', file: JSON.parse(done.text), written })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
