// `npm start`: the Node entry (src/node/main.ts), compiled to JavaScript.
//
// Transpiling at start with tsx costs a second V8 isolate for its loader and
// every module compiled on the way: about 40 MiB more resident memory and a
// slower start than running the compiled bundle (docs/performance.md). So the
// entry is bundled with esbuild into dist/node/ (dependencies stay in
// node_modules; the AWS SDK is split off and loaded on the first S3 call that needs it),
// rebuilt here whenever a file under src/ or the lock file is newer than the
// bundle, and then run in this process. Right after `npm ci` on a clean clone
// the first start builds it (well under a second).
//
// package.json runs this with `--max-semi-space-size=4`: V8's young generation
// capped at 4 MiB a half instead of 16, which kept the resident peaks under
// load 15–70 MiB lower in the bench for 5–9 % more CPU per small request
// (docs/performance.md, "The young generation, measured again"). The option
// only works on node's command line.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = join(ROOT, 'dist', 'node')
const ENTRY = join(OUT, 'main.js')

/** The newest modification time of a file under `path`. */
function newest(path) {
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), info.mtimeMs)
}

/**
 * Builds into a directory of its own and moves the files into place, the
 * entry last: starts running at the same time (the test suites start many)
 * never see a half-written bundle. Chunk names carry a hash of their content.
 */
async function build() {
  const { build: bundle } = await import('esbuild')
  const staging = join(ROOT, 'dist', `.node-${process.pid}`)
  rmSync(staging, { recursive: true, force: true })
  const result = await bundle({
    entryPoints: [join(ROOT, 'src/node/main.ts')],
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  })
  const files = Object.keys(result.metafile.outputs).map((output) => output.slice(output.lastIndexOf('/') + 1))
  mkdirSync(OUT, { recursive: true })
  for (const name of [...files.filter((file) => file !== 'main.js'), 'main.js']) {
    renameSync(join(staging, name), join(OUT, name))
  }
  rmSync(staging, { recursive: true, force: true })
}

const changed = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'package-lock.json')), newest(fileURLToPath(import.meta.url)))
if (!existsSync(ENTRY) || statSync(ENTRY).mtimeMs < changed) await build()
await import(pathToFileURL(ENTRY).href)
