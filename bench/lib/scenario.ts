import { api } from './http'
import { type LoadOptions, type LoadRequest, type LoadResult, runLoad } from './load'
import { cpuMicros } from './proc'
import type { Server } from './processes'

/** The most downloads one link may allow (API: maxDownloads ≤ 10000). */
export const MAX_DOWNLOADS_PER_LINK = 10_000

export interface MeasuredLoad {
  load: LoadResult
  /** Server CPU (user + system, all threads) over the measured window, µs. */
  cpuMicros: number
  /** Server CPU per completed request, µs. */
  cpuPerRequest: number
  /** Server CPU as a share of one core over the window. */
  serverCores: number
  /** This process's CPU (the load generator) as a share of one core. */
  clientCores: number
}

/** Runs a load against a server, reading its CPU (and ours) at the edges of the measured window. */
export async function measured(
  server: Server,
  options: Omit<LoadOptions, 'onMeasureStart' | 'onMeasureEnd' | 'origin'>,
): Promise<MeasuredLoad> {
  let cpu0 = 0
  let cpu1 = 0
  let own0 = process.cpuUsage()
  let own1 = own0
  const load = await runLoad({
    ...options,
    origin: server.origin,
    onMeasureStart: () => {
      cpu0 = cpuMicros(server.pid)
      own0 = process.cpuUsage()
    },
    onMeasureEnd: () => {
      cpu1 = cpuMicros(server.pid)
      own1 = process.cpuUsage(own0)
    },
  })
  const used = cpu1 - cpu0
  return {
    load,
    cpuMicros: used,
    cpuPerRequest: load.completed > 0 ? used / load.completed : NaN,
    serverCores: used / 1e6 / load.seconds,
    clientCores: (own1.user + own1.system) / 1e6 / load.seconds,
  }
}

/**
 * GET /d/<token> spread over links, at most `perToken` downloads on each,
 * every answer checked (200, Content-Length, the exact bytes). `used[i]` is
 * how many downloads were asked of link i.
 */
export function smallDownloads(tokens: string[], expected: Buffer, perToken = MAX_DOWNLOADS_PER_LINK) {
  const used = new Array<number>(tokens.length).fill(0)
  let current = 0
  const check = (status: number, headers: Record<string, unknown>, body: Buffer) => {
    if (status !== 200) return `status ${status}: ${body.toString('utf8', 0, 200)}`
    if (headers['content-length'] !== String(expected.length)) return `content-length ${String(headers['content-length'])}`
    if (!body.equals(expected)) return `body differs (${body.length} bytes)`
    return null
  }
  return {
    used,
    next(): LoadRequest | null {
      while (current < tokens.length && used[current]! >= perToken) current++
      if (current >= tokens.length) return null
      used[current]!++
      return { method: 'GET', path: `/d/${tokens[current]}`, check }
    },
  }
}

/** POST /api/v1/links for a JSON body, checked (201, a token for the right file); tokens collected. */
export function linkIssuing(adminKey: string, fileId: string, tokens: string[]) {
  const body = JSON.stringify({ fileId, expiresIn: 3600, maxDownloads: 1 })
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
  return (): LoadRequest => ({
    method: 'POST',
    path: '/api/v1/links',
    headers,
    body,
    check: (status, _headers, response) => {
      if (status !== 201) return `status ${status}: ${response.toString('utf8', 0, 200)}`
      const link = JSON.parse(response.toString('utf8'))
      if (typeof link.token !== 'string' || link.fileId !== fileId) return 'link without token'
      tokens.push(link.token)
      return null
    },
  })
}

export async function issueLinks(
  server: Pick<Server, 'origin'>,
  key: string,
  fileId: string,
  count: number,
  maxDownloads: number,
): Promise<{ id: string; token: string }[]> {
  const links = []
  for (let i = 0; i < count; i++) {
    const link = await api(server.origin, key, 'POST', '/api/v1/links', { fileId, expiresIn: 3600, maxDownloads }, 201)
    links.push({ id: link.id as string, token: link.token as string })
  }
  return links
}
