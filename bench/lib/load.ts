import { Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from 'node:http'
import { performance } from 'node:perf_hooks'

/** One request a load worker sends; `null` ends that worker (budget spent). */
export interface LoadRequest {
  method: string
  path: string
  headers?: OutgoingHttpHeaders
  body?: string | Buffer
  /** Tells the generator what came back, for the caller's own checks. */
  check?: (status: number, headers: IncomingHttpHeaders, body: Buffer) => string | null
}

export interface LoadOptions {
  origin: string
  concurrency: number
  /** Requests before this are sent but not measured. */
  warmupMs: number
  durationMs: number
  /** Called for each request; `null` when there is nothing left to send. */
  next(): LoadRequest | null
  /** Called on the edges of the measured window (CPU readings). */
  onMeasureStart?(): void
  onMeasureEnd?(): void
}

export interface LoadResult {
  /** Completed in the measured window. */
  completed: number
  seconds: number
  perSecond: number
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  /** Every response, warm-up included. */
  statuses: Map<number, number>
  failures: number
  /** First few failure messages (bad status, bad body, socket errors). */
  failureSamples: string[]
  bodyBytes: number
  /** New TCP connections opened; equals `concurrency` when keep-alive holds. */
  connections: number
  exhausted: boolean
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]!
}

/**
 * A closed-loop, keep-alive load generator on node:http: `concurrency`
 * workers, each with its own connection, each sending its next request as
 * soon as the previous answer has been read to the end.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.origin)
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency })
  let connections = 0
  const statuses = new Map<number, number>()
  const failureSamples: string[] = []
  let failures = 0
  let bodyBytes = 0
  let exhausted = false
  const latencies: number[] = []

  const t0 = performance.now()
  const stopAt = t0 + options.warmupMs + options.durationMs
  // The measured window: responses that end between its two edges count,
  // and the caller's readings (server CPU) are taken at the same edges.
  let measuring = false
  let windowClosed = false
  let measureStartedAt = 0
  let measureEndedAt = 0
  let completed = 0
  const openWindow = () => {
    if (measuring) return
    measuring = true
    measureStartedAt = performance.now()
    options.onMeasureStart?.()
  }
  const closeWindow = () => {
    if (windowClosed) return
    openWindow()
    windowClosed = true
    measureEndedAt = performance.now()
    options.onMeasureEnd?.()
  }

  const fail = (message: string) => {
    failures++
    if (failureSamples.length < 5) failureSamples.push(message)
  }

  const once = (spec: LoadRequest) =>
    new Promise<void>((resolve) => {
      const started = performance.now()
      const req = request(
        { agent, host: url.hostname, port: url.port, method: spec.method, path: spec.path, headers: spec.headers },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', (error) => {
            fail(`response error: ${error.message}`)
            resolve()
          })
          res.on('end', () => {
            const status = res.statusCode ?? 0
            statuses.set(status, (statuses.get(status) ?? 0) + 1)
            const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
            bodyBytes += body.length
            const problem = spec.check ? spec.check(status, res.headers, body) : null
            if (problem) fail(problem)
            else if (measuring && !windowClosed) {
              completed++
              latencies.push(performance.now() - started)
            }
            resolve()
          })
        },
      )
      req.on('socket', (socket) => {
        const seen = socket as unknown as { benchSeen?: boolean }
        if (!seen.benchSeen) {
          seen.benchSeen = true
          connections++
        }
      })
      req.on('error', (error) => {
        fail(`request error: ${error.message}`)
        resolve()
      })
      req.end(spec.body)
    })

  const worker = async () => {
    while (performance.now() < stopAt) {
      const spec = options.next()
      if (!spec) {
        exhausted = true
        return
      }
      await once(spec)
    }
  }

  const opener = setTimeout(openWindow, options.warmupMs)
  const closer = setTimeout(closeWindow, options.warmupMs + options.durationMs)
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  clearTimeout(opener)
  clearTimeout(closer)
  closeWindow()
  agent.destroy()

  const windowMs = Math.max(1, measureEndedAt - measureStartedAt)
  const sorted = Float64Array.from(latencies).sort()
  return {
    completed,
    seconds: windowMs / 1000,
    perSecond: completed / (windowMs / 1000),
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    },
    statuses,
    failures,
    failureSamples,
    bodyBytes,
    connections,
    exhausted,
  }
}
