import { readFileSync } from 'node:fs'

/** The parts of a V8 .cpuprofile (node --cpu-prof) that a summary needs. */
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

/**
 * Which part of the stack a frame belongs to. The names are the layers the
 * team talks about: hono, @hono/node-server, jose, better-sqlite3, the web
 * streams of Node, fuselink's own files by path, and so on.
 */
export function layerOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName.startsWith('(')) return functionName // (garbage collector), (program), (idle), (root)
    return 'native (addon or builtin)'
  }
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (modules) {
    const name = modules[1]!
    if (name.startsWith('@aws-sdk/') || name.startsWith('@smithy/') || name.startsWith('@aws-crypto/')) return 'aws-sdk'
    return name
  }
  const own = /\/(src\/.+)$/.exec(url)
  if (own) return own[1]!
  if (url.startsWith('node:internal/webstreams/')) return 'node: web streams'
  if (url.startsWith('node:internal/deps/undici')) return 'node: undici (fetch/Response)'
  if (url.startsWith('node:internal/streams/') || url === 'node:stream') return 'node: streams'
  if (/^node:(_http_|http$|internal\/http)/.test(url)) return 'node: http'
  if (/^node:(net$|internal\/stream_base_commons|internal\/net)/.test(url)) return 'node: net'
  if (/^node:(fs|internal\/fs)/.test(url)) return 'node: fs'
  if (/^node:internal\/(crypto|webcrypto)/.test(url) || url === 'node:crypto') return 'node: crypto'
  if (/^node:internal\/(process\/task_queues|timers|async_hooks)|^node:timers/.test(url)) return 'node: event loop'
  if (url.startsWith('node:')) return 'node: other'
  return url
}

export interface Summary {
  /** Sampled time in the window, ms, and how much of it was idle. */
  totalMs: number
  idleMs: number
  samples: number
  selfByLayer: [string, number][]
  /** Self time with native frames (syscalls, addons, builtins) charged to the layer that called them. */
  selfByCallerLayer: [string, number][]
  inclusiveByLayer: [string, number][]
  selfByFunction: [string, number][]
  inclusiveByFunction: [string, number][]
}

/**
 * Self and inclusive time per layer and per function, over the samples whose
 * timestamps fall in [from, to] (µs on the monotonic clock that V8 and
 * process.hrtime share); the whole profile when no window is given.
 */
export function summarise(path: string, window?: { from: number; to: number }): Summary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const frameKey = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame
    const file = url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^file:\/\//, '')
    return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim()
  }

  const selfLayer = new Map<string, number>()
  const callerLayer = new Map<string, number>()
  const incLayer = new Map<string, number>()
  const selfFn = new Map<string, number>()
  const incFn = new Map<string, number>()
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us)

  let t = profile.startTime
  let total = 0
  let idle = 0
  let samples = 0
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0
    if (window && (t < window.from || t > window.to)) continue
    // A sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? 0
    const leaf = byId.get(profile.samples[i]!)!
    samples++
    total += us
    const name = leaf.callFrame.functionName
    if (name === '(idle)') {
      idle += us
      continue
    }
    add(selfLayer, layerOf(leaf.callFrame.url, name), us)
    let owner: ProfileNode | undefined = leaf
    while (owner && owner.callFrame.url === '' && !owner.callFrame.functionName.startsWith('('))
      owner = byId.get(parent.get(owner.id) ?? -1)
    add(
      callerLayer,
      owner && owner !== leaf
        ? `${layerOf(owner.callFrame.url, owner.callFrame.functionName)} (native below)`
        : layerOf(leaf.callFrame.url, name),
      us,
    )
    add(selfFn, frameKey(leaf), us)
    const layers = new Set<string>()
    const fns = new Set<string>()
    for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parent.get(node.id) ?? -1)) {
      if (node.callFrame.functionName === '(root)') break
      layers.add(layerOf(node.callFrame.url, node.callFrame.functionName))
      fns.add(frameKey(node))
    }
    for (const layer of layers) add(incLayer, layer, us)
    for (const fn of fns) add(incFn, fn, us)
  }
  const sorted = (map: Map<string, number>) => [...map].map(([k, us]) => [k, us / 1000] as [string, number]).sort((a, b) => b[1] - a[1])
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    samples,
    selfByLayer: sorted(selfLayer),
    selfByCallerLayer: sorted(callerLayer),
    inclusiveByLayer: sorted(incLayer),
    selfByFunction: sorted(selfFn),
    inclusiveByFunction: sorted(incFn),
  }
}

/** A plain-text rendering; `perUnit` divides times into µs per request when given. */
export function renderSummary(summary: Summary, options: { top?: number; perUnit?: { count: number; label: string } } = {}): string {
  const top = options.top ?? 25
  const busy = summary.totalMs - summary.idleMs
  const per = options.perUnit
  const row = ([name, ms]: [string, number]) =>
    `  ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms${per ? `  ${((ms * 1000) / per.count).toFixed(1).padStart(7)} µs/${per.label}` : ''}  ${name}`
  return [
    `sampled ${summary.totalMs.toFixed(0)} ms (${summary.samples} samples), busy ${busy.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms; % of busy time`,
    'self time by layer:',
    ...summary.selfByLayer.slice(0, top).map(row),
    'self time by layer, native frames charged to the layer that called them:',
    ...summary.selfByCallerLayer.slice(0, top).map(row),
    'inclusive time by layer (time with the layer anywhere on the stack):',
    ...summary.inclusiveByLayer.slice(0, top).map(row),
    'self time by function:',
    ...summary.selfByFunction.slice(0, top).map(row),
    'inclusive time by function:',
    ...summary.inclusiveByFunction.slice(0, top).map(row),
  ].join('\n')
}
