import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux build that matters. */
const CLOCK_TICKS_PER_SECOND = 100

/** A process's CPU time so far (user + system, all threads), in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 14 and 15 of stat(5) are utime and stime; here field 3 is at index 0.
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return ((utime + stime) * 1_000_000) / CLOCK_TICKS_PER_SECOND
}

/** VmRSS and VmHWM (peak RSS) of a process, in bytes. */
export function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)
    return match ? Number(match[1]) * 1024 : NaN
  }
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') }
}

/** Resets VmHWM to the current RSS (clear_refs "5", Linux ≥ 4.0). False when not permitted. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

export interface RssSampler {
  stop(): { samples: number; peakRss: number; maxGapMs: number }
}

/** Reads VmRSS every `everyMs` until stopped; reports the highest reading and the longest gap between readings. */
export function sampleRss(pid: number, everyMs = 5): RssSampler {
  let samples = 0
  let peakRss = 0
  let last = performance.now()
  let maxGapMs = 0
  const read = () => {
    const now = performance.now()
    maxGapMs = Math.max(maxGapMs, now - last)
    last = now
    try {
      const { rss } = memory(pid)
      samples++
      if (rss > peakRss) peakRss = rss
    } catch {
      // the process went away; the caller notices
    }
  }
  read()
  const timer = setInterval(read, everyMs)
  return {
    stop() {
      clearInterval(timer)
      read()
      return { samples, peakRss, maxGapMs }
    },
  }
}

/** Processes under `root` (its children, theirs, and so on) whose command name is `name`, e.g. the workerd Miniflare starts. */
export function descendantsNamed(name: string, root = process.pid): number[] {
  const parent = new Map<number, number>()
  const command = new Map<number, string>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const close = stat.lastIndexOf(')')
      command.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close))
      // After the name: state, then the parent's pid.
      parent.set(Number(entry), Number(stat.slice(close + 2).split(' ')[1]))
    } catch {
      // gone meanwhile
    }
  }
  const isUnder = (pid: number) => {
    for (let up = parent.get(pid); up !== undefined && up > 1; up = parent.get(up)) if (up === root) return true
    return false
  }
  return [...command].filter(([pid, comm]) => comm === name && isUnder(pid)).map(([pid]) => pid)
}
