import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './node-service'

/** One run of test/support/chunked-uploader.ts as its own process, with its events as they come. */
export interface ChunkedUploaderRun {
  child: ChildProcess
  events: Record<string, any>[]
  exited: Promise<number | null>
  stderr(): string
  on(listener: (event: Record<string, any>) => void): void
}

/**
 * Starts the uploader of `file` against `baseUrl`; `state` is where it keeps
 * the upload's id, so a second run resumes the first; `pace` is the pause
 * between its 256 KiB writes, in ms.
 */
export function runChunkedUploader(baseUrl: string, credential: string, file: string, state: string, pace: number): ChunkedUploaderRun {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/support/chunked-uploader.ts'), baseUrl, credential, file, state, String(pace)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const events: ChunkedUploaderRun['events'] = []
  const listeners: Parameters<ChunkedUploaderRun['on']>[0][] = []
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  let buffered = ''
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    buffered += text
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const event = JSON.parse(buffered.slice(0, end))
      buffered = buffered.slice(end + 1)
      events.push(event)
      for (const listener of listeners) listener(event)
    }
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, events, exited, stderr: () => stderr, on: (listener) => listeners.push(listener) }
}

/** Resolves once the run has written `bytes` of part `part`, and kills it there (SIGKILL, as a crash). */
export function killMidPart(run: ChunkedUploaderRun, part: number, bytes: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    run.on((event) => {
      if (event.event === 'progress' && event.part === part && event.partWritten >= bytes) {
        run.child.kill('SIGKILL')
        resolve()
      }
    })
    void run.exited.then(() => reject(new Error(`the uploader ended before it was killed: ${run.stderr()}`)))
  })
}
