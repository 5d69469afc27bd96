/**
 * Log lines written together, once per turn of the event loop: one write(2)
 * per request was about a tenth of the CPU of issuing a link under load
 * (docs/performance.md). Lines keep their order; whatever is pending goes
 * out before the process exits, whether it ends or exits.
 */
export function linesPerTurn(write: (text: string) => void): (line: string) => void {
  let pending: string[] = []
  const flush = () => {
    if (pending.length === 0) return
    const text = `${pending.join('\n')}\n`
    pending = []
    write(text)
  }
  process.on('exit', flush)
  return (line) => {
    if (pending.length === 0) setImmediate(flush)
    pending.push(line)
  }
}
