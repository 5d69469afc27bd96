import type { ErrorCode } from './errors'

/*
 * The service's counters, as GET /metrics serves them in the Prometheus text
 * exposition format (version 0.0.4), written by hand: a few counters need no
 * client library. One instance per process (Node); a Worker keeps one per
 * isolate, which is why only Node serves it (docs/security.md, "Observability").
 */

interface Family {
  name: string
  type: 'counter' | 'gauge'
  help: string
}

const DOWNLOADS: Family = {
  name: 'fuselink_downloads_total',
  type: 'counter',
  help: 'Downloads counted (a fresh transfer admitted against a link).',
}
const TRANSFERS: Family = { name: 'fuselink_transfers_total', type: 'counter', help: 'Download transfers started, fresh and resumed.' }
const IN_FLIGHT: Family = { name: 'fuselink_transfers_in_flight', type: 'gauge', help: 'Download transfers streaming now.' }
const BYTES_OUT: Family = { name: 'fuselink_download_bytes_total', type: 'counter', help: 'Bytes of files handed to download responses.' }
const UPLOADS: Family = { name: 'fuselink_uploads_total', type: 'counter', help: 'Files stored by uploads.' }
const UPLOAD_BYTES: Family = { name: 'fuselink_upload_bytes_total', type: 'counter', help: 'Bytes of files stored by uploads.' }
const REFUSALS: Family = { name: 'fuselink_refusals_total', type: 'counter', help: 'Problem answers (4xx and 5xx), by problem code.' }
const REQUESTS: Family = { name: 'fuselink_http_requests_total', type: 'counter', help: 'HTTP answers, by status.' }

function header(family: Family): string {
  return `# HELP ${family.name} ${family.help}\n# TYPE ${family.name} ${family.type}\n`
}

/** One sample line; label values here are problem codes and status numbers, which need no escaping. */
function sample(name: string, value: number, labels: Record<string, string | number> = {}): string {
  const pairs = Object.entries(labels).map(([key, label]) => `${key}="${label}"`)
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${value}\n`
}

export class Metrics {
  #downloads = 0
  #transfers = 0
  #inFlight = 0
  #bytesOut = 0
  #uploads = 0
  #uploadBytes = 0
  readonly #refusals = new Map<ErrorCode, number>()
  readonly #requests = new Map<number, number>()

  /** A transfer was admitted; `counted` when it counted a download. */
  transferStarted(counted: boolean): void {
    this.#transfers++
    this.#inFlight++
    if (counted) this.#downloads++
  }

  /** A transfer settled, having handed `sent` bytes to its response (0 when cancelled before its first). */
  transferEnded(sent: number): void {
    this.#inFlight--
    this.#bytesOut += sent
  }

  uploaded(bytes: number): void {
    this.#uploads++
    this.#uploadBytes += bytes
  }

  answered(status: number, problem: ErrorCode | undefined): void {
    this.#requests.set(status, (this.#requests.get(status) ?? 0) + 1)
    if (problem) this.#refusals.set(problem, (this.#refusals.get(problem) ?? 0) + 1)
  }

  /** The Prometheus text exposition of every counter. */
  render(): string {
    const byKey = <K extends string | number>(map: Map<K, number>) => [...map].sort(([a], [b]) => (a < b ? -1 : 1))
    return [
      header(DOWNLOADS) + sample(DOWNLOADS.name, this.#downloads),
      header(TRANSFERS) + sample(TRANSFERS.name, this.#transfers),
      header(IN_FLIGHT) + sample(IN_FLIGHT.name, this.#inFlight),
      header(BYTES_OUT) + sample(BYTES_OUT.name, this.#bytesOut),
      header(UPLOADS) + sample(UPLOADS.name, this.#uploads),
      header(UPLOAD_BYTES) + sample(UPLOAD_BYTES.name, this.#uploadBytes),
      header(REFUSALS) +
        byKey(this.#refusals)
          .map(([code, n]) => sample(REFUSALS.name, n, { code }))
          .join(''),
      header(REQUESTS) +
        byKey(this.#requests)
          .map(([status, n]) => sample(REQUESTS.name, n, { status }))
          .join(''),
    ].join('')
  }
}
