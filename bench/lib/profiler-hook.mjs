// Loaded into a fuselink server with NODE_OPTIONS=--import=<this file> (Node 20
// refuses --cpu-prof in NODE_OPTIONS). The first SIGUSR2 starts V8's sampling
// profiler, the second stops it and writes the profile (.cpuprofile, the format
// of node --cpu-prof) to $FUSELINK_BENCH_CPU_PROFILE, so a profile covers
// exactly the load the bench ran, not start-up or setup.
import { renameSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'

const out = process.env.FUSELINK_BENCH_CPU_PROFILE
const interval = Number(process.env.FUSELINK_BENCH_CPU_PROFILE_INTERVAL || 200)

if (out) {
  const session = new Session()
  session.connect()
  let running = false
  const post = (method, params = {}) =>
    new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))))
  process.on('SIGUSR2', async () => {
    try {
      if (!running) {
        running = true
        await post('Profiler.enable')
        await post('Profiler.setSamplingInterval', { interval })
        await post('Profiler.start')
        writeFileSync(`${out}.started`, '')
      } else {
        running = false
        const { profile } = await post('Profiler.stop')
        writeFileSync(`${out}.tmp`, JSON.stringify(profile))
        renameSync(`${out}.tmp`, out)
      }
    } catch (error) {
      process.stderr.write(`profiler hook: ${error}\n`)
    }
  })
}
