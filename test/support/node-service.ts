import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DeleteObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import Database from 'better-sqlite3'
import type { SqlValue } from '../../src/adapters/sql'
import { type LocalS3, startLocalS3 } from '../../tools/local-s3'
import { listObjectKeys } from './list-objects'
import { freePort } from './ports'
import { removeScratch, scratchDir } from './scratch'
import { assertNothingRefused, startVerifiedLocalS3 } from './sigv4-proxy'
import type { ServiceTarget, TargetKind, TargetOptions } from './target'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * What `npm start` runs in the checkout at `root`, as node's arguments: node's
 * own options (V8's heap sizes, docs/performance.md), then scripts/start.mjs.
 * Read from that checkout's package.json, so that the tests and the bench run
 * the entry exactly as it is shipped, and an older checkout as it was.
 */
export function npmStartArgs(root = ROOT): string[] {
  const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start
  const words = script.trim().split(/\s+/)
  return words.slice(words.indexOf('node') + 1).map((word) => (word.startsWith('-') ? word : join(root, word)))
}

export interface NodeProcess {
  child: ChildProcess
  stdout: string[]
  stderr: string[]
  exited: Promise<number | null>
}

/**
 * Runs the real Node entry exactly as `npm start` does (scripts/start.mjs: the
 * compiled src/node/main.ts, with node's options from package.json), and waits
 * until it listens. `source` runs the TypeScript through tsx instead, as `npm
 * start` once did: what the bench compares, and what CPU profiles read best
 * (one file per module). `root` is another checkout to run (the bench's A/B of
 * two versions); `nodeFlags` are node options added after npm start's own.
 */
export async function spawnNodeEntry(
  env: Record<string, string>,
  waitFor = /listening on/,
  entry: 'compiled' | 'source' = 'compiled',
  root = ROOT,
  nodeFlags: string[] = [],
): Promise<NodeProcess> {
  const started = npmStartArgs(root)
  const entryArgs = entry === 'compiled' ? started.slice(-1) : ['--import', 'tsx', join(root, 'src/node/main.ts')]
  const args = [...started.slice(0, -1), ...nodeFlags, ...entryArgs]
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stdout: string[] = []
  const stderr: string[] = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr.join('')}`)), 30_000)
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout.push(text)
      if (waitFor.test(stdout.join(''))) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.stderr!.setEncoding('utf8').on('data', (text: string) => stderr.push(text))
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${stderr.join('')}`))
    })
  })
  return { child, stdout, stderr, exited }
}

export async function stopProcess(process: NodeProcess): Promise<void> {
  if (process.child.exitCode !== null) return
  process.child.kill('SIGTERM')
  await process.exited
}

/** fuselink on Node with its SQLite file in a scratch dir, objects on disk or in s3rver. */
export async function startNodeService(store: 'disk' | 's3', options: TargetOptions = {}): Promise<ServiceTarget> {
  const dataDir = scratchDir(`node-${store}`)
  const verified = store === 's3' && options.verifySignatures !== false ? await startVerifiedLocalS3() : null
  const s3: LocalS3 | null = verified ?? (store === 's3' ? await startLocalS3() : null)
  const port = await freePort()
  const adminKey = `test-admin-${Math.random().toString(36).slice(2)}-key`
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    ADMIN_API_KEY: adminKey,
    ...(s3?.env ?? {}),
    ...options.env,
  }
  let running = await spawnNodeEntry(env)
  const runs = [running]
  const setupLine = () => /^SETUP_URL=(\S+)$/m.exec(running.stdout.join(''))?.[1] ?? null
  const client = s3
    ? new S3Client({
        region: 'us-east-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      })
    : null

  const target: ServiceTarget = {
    name: `node+${store}`,
    baseUrl: `http://127.0.0.1:${port}`,
    adminKey,
    pid: running.child.pid,
    ...(verified ? { signatures: verified.tally } : {}),
    async putObject(key, body, contentType = 'application/octet-stream') {
      if (client && s3) {
        await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentType: contentType }))
      } else {
        const path = join(dataDir, 'objects', key)
        mkdirSync(dirname(path), { recursive: true })
        writeFileSync(path, body)
      }
    },
    async removeObject(key) {
      if (client && s3) await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }))
      else await rm(join(dataDir, 'objects', key), { force: true })
    },
    async listObjects() {
      if (client && s3) return listObjectKeys(client, s3.bucket)
      const root = join(dataDir, 'objects')
      const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(root, join(entry.parentPath, entry.name)))
        .sort()
    },
    async pendingMultipart() {
      if (client && s3) {
        const page = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))
        return (page.Uploads ?? []).map((upload) => upload.UploadId!)
      }
      const staging = join(dataDir, 'objects', '.uploads')
      return existsSync(staging) ? readdirSync(staging) : []
    },
    async query<T>(sql: string, params: SqlValue[] = []) {
      // A reader beside the entry's own connection (WAL): it sees every commit.
      const db = new Database(join(dataDir, 'fuselink.db'), { readonly: true, fileMustExist: true })
      try {
        return db.prepare(sql).all(...params) as T[]
      } finally {
        db.close()
      }
    },
    log: () => runs.map((run) => run.stdout.join('') + run.stderr.join('')).join(''),
    setupUrl: () => setupLine(),
    async restart(changes = {}) {
      await stopProcess(running)
      Object.assign(env, changes)
      running = await spawnNodeEntry(env)
      runs.push(running)
      target.pid = running.child.pid
    },
    async stop() {
      await stopProcess(running)
      client?.destroy()
      await s3?.close()
      removeScratch(dataDir)
      if (verified) assertNothingRefused(verified.tally)
    },
  }
  return target
}

export const nodeDisk: TargetKind = { name: 'node+disk', runtime: 'node', start: (options) => startNodeService('disk', options) }
export const nodeS3: TargetKind = { name: 'node+s3', runtime: 'node', start: (options) => startNodeService('s3', options) }
