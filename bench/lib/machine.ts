import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'

/** USER_HZ: the unit of the times in /proc/<pid>/stat and /proc/stat; 100 on every Linux build that matters. */
const TICKS_PER_SECOND = 100

interface ProcStat {
  pid: number
  ppid: number
  /** utime + stime + cutime + cstime, in ticks: the process and its reaped children. */
  ticks: number
}

function readStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // stat(5): field 4 is ppid, 14-17 utime, stime, cutime, cstime; here field 3 is at index 0.
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])
    return { pid, ppid: Number(fields[1]), ticks }
  } catch {
    return null
  }
}

function allProcesses(): ProcStat[] {
  const found: ProcStat[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const stat = readStat(Number(name))
    if (stat) found.push(stat)
  }
  return found
}

/**
 * CPU time of a process and every process below it, in seconds, counting
 * children that already exited and were reaped (their time moves into their
 * parent's cutime/cstime, so a sum over the tree stays whole).
 */
export function treeCpuSeconds(root: number, processes: ProcStat[] = allProcesses()): number {
  const children = new Map<number, ProcStat[]>()
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p])
  let ticks = 0
  const visit = (pid: number) => {
    const self = processes.find((p) => p.pid === pid)
    if (self) ticks += self.ticks
    for (const child of children.get(pid) ?? []) visit(child.pid)
  }
  visit(root)
  return ticks / TICKS_PER_SECOND
}

/** Busy CPU seconds of the whole machine so far (all cores; idle and iowait left out). */
function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal ...
  const busy = cpu.reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0)
  return busy / TICKS_PER_SECOND
}

export interface Window {
  /** Ends the window: CPU of each named process tree, of this bench's own tree, and of everything else on the machine. */
  end(): WindowResult
}

export interface WindowResult {
  seconds: number
  /** CPU seconds of each process tree asked for. */
  cpu: Record<string, number>
  /** CPU seconds of this process's whole tree (servers, clients, anchors). */
  ours: number
  /** CPU seconds spent by processes outside this bench's tree: other work on a shared machine. */
  others: number
  /** Load average (1 minute) at the end. */
  load: number
}

/** Opens a measuring window over the named process trees (pid per name). */
export function measureWindow(trees: Record<string, number>): Window {
  const started = performance.now()
  const snapshot = () => {
    const processes = allProcesses()
    return {
      trees: Object.fromEntries(Object.entries(trees).map(([name, pid]) => [name, treeCpuSeconds(pid, processes)])),
      ours: treeCpuSeconds(process.pid, processes),
      busy: machineBusySeconds(),
    }
  }
  const before = snapshot()
  return {
    end() {
      const after = snapshot()
      const ours = after.ours - before.ours
      return {
        seconds: (performance.now() - started) / 1000,
        cpu: Object.fromEntries(Object.keys(trees).map((name) => [name, after.trees[name]! - before.trees[name]!])),
        ours,
        others: Math.max(0, after.busy - before.busy - ours),
        load: loadavg()[0]!,
      }
    },
  }
}

/** Processes below `root` whose command name is `name` (e.g. workerd under the bench). */
export function descendantsNamed(root: number, name: string): number[] {
  const found: number[] = []
  const processes = allProcesses()
  const byParent = new Map<number, number[]>()
  for (const p of processes) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p.pid])
  const visit = (pid: number) => {
    for (const child of byParent.get(pid) ?? []) {
      try {
        if (readFileSync(`/proc/${child}/comm`, 'utf8').trim() === name) found.push(child)
      } catch {
        // gone meanwhile
      }
      visit(child)
    }
  }
  visit(root)
  return found
}
