import { execFile } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './processes'

/*
 * wrk (a C load generator) drives the small-request rows: a Node client
 * spends about a core of its own at these rates, which on a 2-core machine
 * starves the server it measures. A Lua script checks every answer (status,
 * and the exact body or a token in it) so that a broken server cannot post a
 * good number.
 */

export interface WrkSpec {
  method?: 'GET' | 'POST'
  /** Request paths, used in turn; each thread takes every n-th one, so a list of one-use tokens is never reused. */
  paths: string[]
  headers?: Record<string, string>
  body?: string
  status: number
  /** When given, every body must be exactly this. */
  expectBody?: Buffer
  /** When given, the "token" of every JSON answer is written to `<tokensOut>.<thread>`, one a line. */
  tokensOut?: string
}

export interface WrkResult {
  requests: number
  seconds: number
  perSecond: number
  latencyMs: { p50: number; p99: number }
  /** Answers with another status, bodies that differ, socket errors and timeouts. */
  badStatus: number
  badBody: number
  socketErrors: number
  firstBad: string
}

const luaString = (text: string) => `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`

function script(spec: WrkSpec, files: { paths: string; body: string | null }, threads: number): string {
  const headers = Object.entries(spec.headers ?? {})
    .map(([name, value]) => `[${luaString(name)}] = ${luaString(value)}`)
    .join(', ')
  return `
local paths = {}
for line in io.lines(${luaString(files.paths)}) do paths[#paths + 1] = line end
local expected_body = nil
${files.body ? `do local f = io.open(${luaString(files.body)}, "rb"); expected_body = f:read("*a"); f:close() end` : ''}
local method = ${luaString(spec.method ?? 'GET')}
local headers = { ${headers} }
local body = ${spec.body === undefined ? 'nil' : luaString(spec.body)}
local tokens_out = ${spec.tokensOut ? luaString(spec.tokensOut) : 'nil'}
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = id
  bad_status = 0
  bad_body = 0
  first_bad = ""
  if tokens_out then
    tokens_file = io.open(tokens_out .. "." .. id, "w")
    tokens_file:setvbuf("line")
  end
end

function request()
  local path = paths[(counter % #paths) + 1]
  counter = counter + ${threads}
  return wrk.format(method, path, headers, body)
end

function response(status, response_headers, response_body)
  if status ~= ${spec.status} then
    bad_status = bad_status + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(response_body or "", 1, 200) end
  elseif expected_body and response_body ~= expected_body then
    bad_body = bad_body + 1
    if first_bad == "" then first_bad = "body of " .. #response_body .. " bytes differs" end
  elseif tokens_out then
    local token = string.match(response_body, '"token":"([^"]+)"')
    if token then tokens_file:write(token, "\\n") else bad_body = bad_body + 1 end
  end
end

function done(summary, latency, requests)
  local bs, bb, fb = 0, 0, ""
  for _, thread in ipairs(threads) do
    bs = bs + thread:get("bad_status")
    bb = bb + thread:get("bad_body")
    local f = thread:get("first_bad")
    if f ~= "" then fb = f end
  end
  local e = summary.errors
  io.write(string.format('\\nRESULT {"requests":%d,"duration_us":%d,"socket_errors":%d,"bad_status":%d,"bad_body":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, bs, bb, latency:percentile(50), latency:percentile(99)))
  io.write("FIRSTBAD " .. string.gsub(fb, "\\n", " ") .. "\\n")
end
`
}

/** Runs wrk against `origin` for `seconds` with `connections` keep-alive connections on two threads. */
export async function runWrk(origin: string, spec: WrkSpec, options: { connections: number; seconds: number }): Promise<WrkResult> {
  const threads = Math.min(2, options.connections)
  const dir = tempDir('wrk')
  const paths = join(dir, 'paths.txt')
  writeFileSync(paths, `${spec.paths.join('\n')}\n`)
  let bodyFile: string | null = null
  if (spec.expectBody) {
    bodyFile = join(dir, 'expected.bin')
    writeFileSync(bodyFile, spec.expectBody)
  }
  const scriptFile = join(dir, 'check.lua')
  writeFileSync(scriptFile, script(spec, { paths, body: bodyFile }, threads))
  // A generous timeout: on a loaded machine a slow answer is a slow answer, not a socket error.
  const args = [
    `-t${threads}`,
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--timeout',
    '10s',
    '--latency',
    '-s',
    scriptFile,
    origin,
  ]
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('wrk', args, { maxBuffer: 16 * 1024 * 1024 }, (error, out, err) =>
      error ? reject(new Error(`wrk: ${err || error.message}`)) : resolve(out),
    ),
  )
  const match = /^RESULT (\{.*\})$/m.exec(stdout)
  if (!match) throw new Error(`wrk said: ${stdout}`)
  const result = JSON.parse(match[1]!)
  const seconds = result.duration_us / 1e6
  return {
    requests: result.requests,
    seconds,
    perSecond: result.requests / seconds,
    latencyMs: { p50: result.p50 / 1000, p99: result.p99 / 1000 },
    badStatus: result.bad_status,
    badBody: result.bad_body,
    socketErrors: result.socket_errors,
    firstBad: /^FIRSTBAD (.*)$/m.exec(stdout)?.[1] ?? '',
  }
}

/** The tokens a run with `tokensOut` collected, from every thread's file. */
export function collectedTokens(tokensOut: string): string[] {
  const tokens: string[] = []
  for (let thread = 0; existsSync(`${tokensOut}.${thread}`); thread++) {
    tokens.push(...readFileSync(`${tokensOut}.${thread}`, 'utf8').split('\n').filter(Boolean))
  }
  return tokens
}
