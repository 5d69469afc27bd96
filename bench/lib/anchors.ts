import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SignJWT } from 'jose'
import { freePort } from '../../test/support/ports'
import { ROOT, tempDir, track } from './processes'

/*
 * What fuselink is measured against in the same run: nginx with secure_link
 * (Debian's nginx, one worker, sendfile) and a bare Node static server
 * (node:http piping a file, no checks: the ceiling of this stack), both
 * serving the same files from the same disk; and for the S3 store, a naive
 * proxy (node:http, jose, the AWS SDK's GetObject) reading the same s3rver.
 */

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** nginx, wrk and curl, installed from Debian's archive when missing (as root, as on the development VM and CI). */
export function ensureTools(log: (line: string) => void): void {
  const packages = [
    ['nginx', 'nginx'],
    ['wrk', 'wrk'],
    ['curl', 'curl'],
  ].filter(([command]) => !has(command!))
  if (packages.length === 0) return
  const names = packages.map(([, pkg]) => pkg!)
  if (process.getuid?.() !== 0) throw new Error(`the bench needs ${names.join(', ')}: apt-get install -y ${names.join(' ')}`)
  log(`installing ${names.join(', ')} with apt-get`)
  execFileSync('apt-get', ['update'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...names], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
}

export interface Anchor {
  name: string
  origin: string
  /** The process whose tree does the serving (nginx's master, whose worker is its child). */
  pid: number
  /** The path of a file of the served directory, signed where the server checks signatures. */
  path(file: string): string
  stop(): Promise<void>
}

async function waitForPort(origin: string, child: ChildProcess, what: string): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`)
    try {
      await fetch(origin)
      return
    } catch {
      await sleep(50)
    }
  }
  throw new Error(`${what} did not start`)
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await Promise.race([exited, sleep(5000)])
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

/**
 * nginx serving `directory` under /files/, each request checked by
 * secure_link: an MD5 over the expiry, the URI and a secret, as nginx's
 * documentation shows it. One worker process, sendfile on, no access log.
 */
export async function startNginx(directory: string): Promise<Anchor> {
  const prefix = tempDir('nginx')
  for (const sub of ['temp', 'logs']) mkdirSync(join(prefix, sub), { recursive: true })
  const port = await freePort()
  const secret = createHash('sha256').update(String(Math.random())).digest('hex')
  const asRoot = process.getuid?.() === 0
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `${asRoot ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 10000000;
  client_body_temp_path ${prefix}/temp/body;
  proxy_temp_path ${prefix}/temp/proxy;
  fastcgi_temp_path ${prefix}/temp/fastcgi;
  uwsgi_temp_path ${prefix}/temp/uwsgi;
  scgi_temp_path ${prefix}/temp/scgi;
  server {
    listen 127.0.0.1:${port};
    location /files/ {
      secure_link $arg_md5,$arg_expires;
      secure_link_md5 "$secure_link_expires$uri ${secret}";
      if ($secure_link = "") { return 403; }
      if ($secure_link = "0") { return 410; }
      alias ${directory}/;
      default_type application/octet-stream;
    }
  }
}
`,
  )
  const child = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'logs/error.log')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  track(child)
  const origin = `http://127.0.0.1:${port}`
  await waitForPort(origin, child, 'nginx')
  const expires = Math.floor(Date.now() / 1000) + 24 * 3600
  return {
    name: 'nginx',
    origin,
    pid: child.pid!,
    path(file) {
      const uri = `/files/${file}`
      const md5 = createHash('md5').update(`${expires}${uri} ${secret}`).digest('base64url')
      return `${uri}?md5=${md5}&expires=${expires}`
    },
    stop: stopper(child),
  }
}

const STATIC_SERVER = `
import { createReadStream, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { basename, join } from 'node:path'
const [directory, port] = process.argv.slice(2)
createServer((request, response) => {
  const path = join(directory, basename(new URL(request.url, 'http://x').pathname))
  let size = null
  try {
    const info = statSync(path)
    if (info.isFile()) size = info.size
  } catch {}
  if (size === null) return response.writeHead(404).end()
  response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size })
  createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(response)
}).listen(Number(port), '127.0.0.1')
`

/** node:http piping the file to the response, nothing else: what Node itself can do on this machine. */
export async function startBareNode(directory: string): Promise<Anchor> {
  const port = await freePort()
  const script = join(tempDir('bare-node'), 'static-server.mjs')
  writeFileSync(script, STATIC_SERVER)
  const child = spawn(process.execPath, [script, directory, String(port)], { stdio: ['ignore', 'ignore', 'inherit'] })
  track(child)
  const origin = `http://127.0.0.1:${port}`
  await waitForPort(origin, child, 'the bare Node server')
  return { name: 'bare node', origin, pid: child.pid!, path: (file) => `/${file}`, stop: stopper(child) }
}

/**
 * bench/lib/naive-proxy.mjs reading `bucket` of the S3-protocol server in
 * `env`: `path(key)` is a download of that object under a fresh HS256 token.
 */
export async function startNaiveProxy(env: Record<string, string>): Promise<Anchor> {
  const port = await freePort()
  const secret = randomBytes(32)
  const child = spawn(process.execPath, [join(ROOT, 'bench/lib/naive-proxy.mjs'), String(port), secret.toString('hex')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  track(child)
  const origin = `http://127.0.0.1:${port}`
  await waitForPort(origin, child, 'the naive proxy')
  const tokens = new Map<string, string>()
  for (const key of ['bench/small.bin', 'bench/large.bin']) {
    tokens.set(key, await new SignJWT({ key }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1d').sign(secret))
  }
  return {
    name: 'naive proxy',
    origin,
    pid: child.pid!,
    path: (key) => `/d/${tokens.get(key)}`,
    stop: stopper(child),
  }
}
