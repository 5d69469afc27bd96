// @ts-check
/**
 * Stands in, in local runs only, for the Cloudflare front line that sits
 * between clients and a deployed Worker. Local workerd resets the connection
 * when a Worker answers while several MiB of the upload are still unread (an
 * oversized upload refused with 413, say), and the client then loses the
 * answer; the front line does not. So this worker feeds the request body to
 * fuselink, and once fuselink has answered, reads and discards whatever part
 * of the upload it did not want before handing the answer on. Everything
 * else passes through untouched: the response, its body, and requests
 * without a body.
 */
export default {
  /**
   * @param {Request} request
   * @param {{ WORKER: Fetcher }} env
   */
  async fetch(request, env) {
    if (request.body === null) return env.WORKER.fetch(request)
    const { readable, writable } = new TransformStream()
    const writer = writable.getWriter()
    // Large reads: workerd hands a network stream to JavaScript in ~4 KiB
    // chunks otherwise, and this pump would cap uploads at a few MiB/s.
    const reader = request.body.getReader({ mode: 'byob' })
    let forwarding = true
    /** @type {() => void} */
    let answer = () => {}
    const answered = new Promise((resolve) => {
      answer = () => resolve(undefined)
    })
    const pump = (async () => {
      for (;;) {
        const { done, value } = await reader.readAtLeast(64 * 1024, new Uint8Array(256 * 1024))
        // A write fuselink will never take (it answered without reading on)
        // stays pending in workerd even once the writer is aborted: stop
        // waiting for it when the answer comes.
        if (value && value.byteLength > 0 && forwarding) {
          await Promise.race([writer.write(value).catch(() => (forwarding = false)), answered])
        }
        if (done) break
      }
      if (forwarding) await writer.close().catch(() => {})
    })()
    const response = await env.WORKER.fetch(new Request(request, { body: readable }))
    // fuselink has answered: it wants no more of the body.
    forwarding = false
    answer()
    writer.abort().catch(() => {})
    await pump.catch(() => {})
    return response
  },

  /**
   * The cron trigger route (/cdn-cgi/handler/scheduled) reaches the first
   * worker; hand the event to fuselink and report its outcome.
   * @param {ScheduledController} controller
   * @param {{ WORKER: Fetcher }} env
   */
  async scheduled(controller, env) {
    const result = await env.WORKER.scheduled({ cron: controller.cron, scheduledTime: new Date(controller.scheduledTime) })
    if (result.outcome !== 'ok') throw new Error(`fuselink's scheduled handler ended with ${result.outcome}`)
  },
}
