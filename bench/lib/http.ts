import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { request } from 'node:http'
import { performance } from 'node:perf_hooks'

/** The issuer API as the bench needs it: JSON in, JSON out, one expected status. */
export async function api<T = any>(origin: string, key: string, method: string, path: string, json?: unknown, expected = 200): Promise<T> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  })
  const text = await response.text()
  if (response.status !== expected)
    throw new Error(`${method} ${path}: expected ${expected}, got ${response.status}: ${text.slice(0, 300)}`)
  return (text ? JSON.parse(text) : null) as T
}

/** POST /api/v1/files?name= with the body streamed from a file on disk (never whole in memory). */
export async function uploadFile(origin: string, key: string, path: string, name: string): Promise<any> {
  const { size } = await stat(path)
  const url = new URL(`/api/v1/files?name=${encodeURIComponent(name)}`, origin)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream', 'content-length': size },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        res.on('end', () =>
          res.statusCode === 201 ? resolve(JSON.parse(text)) : reject(new Error(`upload ${name}: ${res.statusCode}: ${text}`)),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    createReadStream(path).on('error', reject).pipe(req)
  })
}

export interface StreamResult {
  status: number
  bytes: number
  seconds: number
  /** Decimal megabytes (10^6 bytes) per second. */
  mbPerSecond: number
  contentLength: number
  sha256?: string
}

/** One GET on a fresh connection, read as fast as the client can; optionally hashed. */
export function streamDownload(url: string, options: { sha256?: boolean } = {}): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    const hash = options.sha256 ? createHash('sha256') : null
    const started = performance.now()
    const req = request(url, { method: 'GET', agent: false }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        hash?.update(chunk)
      })
      res.on('error', reject)
      res.on('end', () => {
        const seconds = (performance.now() - started) / 1000
        resolve({
          status: res.statusCode ?? 0,
          bytes,
          seconds,
          mbPerSecond: bytes / 1e6 / seconds,
          contentLength: Number(res.headers['content-length'] ?? NaN),
          ...(hash ? { sha256: hash.digest('hex') } : {}),
        })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

/**
 * One GET with curl into /dev/null. On this 2-core machine a Node client
 * reading 256 MiB takes most of a core itself, which starves the servers it
 * measures; curl reads the same bytes for a fraction of that.
 */
export function curlDownload(url: string): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      ['-sS', '--noproxy', '*', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total} %{header_json}', url],
      { maxBuffer: 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error)
        const match = /^(\d+) (\d+) ([\d.]+) ([\s\S]*)$/.exec(stdout)
        if (!match) return reject(new Error(`curl said: ${stdout}`))
        const headers = JSON.parse(match[4]!) as Record<string, string[]>
        const bytes = Number(match[2])
        const seconds = Number(match[3])
        resolve({
          status: Number(match[1]),
          bytes,
          seconds,
          mbPerSecond: bytes / 1e6 / seconds,
          contentLength: Number(headers['content-length']?.[0] ?? NaN),
        })
      },
    )
  })
}

/** `clients` curls at once, each reading at most `rate` (curl's --limit-rate, e.g. "20M") for `seconds`: what each got. */
export function slowDownloads(url: string, clients: number, rate: string, seconds: number): Promise<{ status: number; bytes: number }[]> {
  const one = () =>
    new Promise<{ status: number; bytes: number }>((resolve) => {
      execFile(
        'curl',
        [
          '-sS',
          '--noproxy',
          '*',
          '-o',
          '/dev/null',
          '--limit-rate',
          rate,
          '--max-time',
          String(seconds),
          '-w',
          '%{http_code} %{size_download}',
          url,
        ],
        (_error, stdout) => {
          const [status, bytes] = stdout.trim().split(' ').map(Number)
          resolve({ status: status ?? 0, bytes: bytes ?? 0 })
        },
      )
    })
  return Promise.all(Array.from({ length: clients }, one))
}
