import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { OpenAPIObject } from '../openapi/document'
import { PAGE_STYLE } from './layout'

/*
 * The API reference page, rendered on the server from the OpenAPI document
 * itself (so it cannot drift from what the service validates and answers):
 * the pages' own look, no script, nothing from another origin.
 */

/**
 * The parts of an OpenAPI 3.1 document the page reads. Narrower than the
 * general type: the generator writes parameters, responses and bodies inline,
 * never as references, and names schemas only under components.schemas.
 */
interface Schema {
  $ref?: string
  type?: string | string[]
  format?: string
  contentMediaType?: string
  description?: string
  title?: string
  enum?: unknown[]
  default?: unknown
  example?: unknown
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  allOf?: Schema[]
  anyOf?: Schema[]
  oneOf?: Schema[]
}

interface Parameter {
  name: string
  in: string
  required?: boolean
  description?: string
  schema?: Schema
}

interface MediaType {
  schema?: Schema
}

interface Response {
  description?: string
  headers?: Record<string, { description?: string }>
  content?: Record<string, MediaType>
}

interface Operation {
  tags?: string[]
  summary?: string
  description?: string
  security?: Record<string, string[]>[]
  parameters?: Parameter[]
  requestBody?: { description?: string; required?: boolean; content: Record<string, MediaType> }
  responses: Record<string, Response>
  'x-admin-only'?: boolean
}

interface ApiDocument {
  info: { title: string; version: string; description?: string }
  servers?: { url: string }[]
  tags?: { name: string; description?: string }[]
  paths?: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, Schema> }
}

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete']
const PROBLEM_TYPE = 'application/problem+json'

type Html = HtmlEscapedString | Promise<HtmlEscapedString>

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Prose of the document: escaped, with `code` spans. */
function inline(text: string): HtmlEscapedString {
  return raw(escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>'))
}

function prose(text: string | undefined): Html {
  if (!text) return html``
  return html`${text.split(/\n{2,}/).map((paragraph) => html`<p>${inline(paragraph)}</p>`)}`
}

const anchor = (method: string, path: string) => `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`
const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1)

/** "string", "integer", "File", "array of Link", "string or null", with links to named schemas. */
function typeLabel(schema: Schema): Html {
  if (schema.$ref) {
    const name = refName(schema.$ref)
    return html`<a href="#schema-${name}">${name}</a>`
  }
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) {
    if (alternatives.every((option) => option.enum?.length === 1)) return html`string`
    return html`${alternatives.map((option, i) => html`${i > 0 ? ' or ' : ''}${typeLabel(option)}`)}`
  }
  if (schema.allOf) {
    const named = schema.allOf.find((part) => part.$ref)
    if (named) return typeLabel(named)
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
  if (types.includes('array') && schema.items) return html`array of ${typeLabel(schema.items)}`
  if (schema.contentMediaType) return html`binary`
  const shown = types.map((type) => (type === 'string' && schema.format ? `string (${schema.format})` : type))
  return html`${shown.length > 0 ? shown.join(' or ') : 'any'}`
}

const json = (value: unknown) => html`<code>${JSON.stringify(value)}</code>`

/** Limits, defaults and allowed values, in words. */
function constraints(schema: Schema): Html[] {
  const notes: Html[] = []
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives?.every((option) => option.enum?.length === 1)) {
    notes.push(html`One of the ${alternatives.length} <a href="#problem-codes">problem codes</a>.`)
  }
  if (schema.enum && schema.enum.length > 1)
    notes.push(html`One of ${schema.enum.map((value, i) => html`${i > 0 ? ', ' : ''}${json(value)}`)}.`)
  if (schema.minimum !== undefined && schema.maximum !== undefined) notes.push(html`From ${schema.minimum} to ${schema.maximum}.`)
  else if (schema.minimum !== undefined) notes.push(html`At least ${schema.minimum}.`)
  else if (schema.maximum !== undefined) notes.push(html`At most ${schema.maximum}.`)
  if (schema.minLength !== undefined && schema.maxLength !== undefined) {
    notes.push(html`${schema.minLength} to ${schema.maxLength} characters.`)
  } else if (schema.maxLength !== undefined) notes.push(html`At most ${schema.maxLength} characters.`)
  else if (schema.minLength !== undefined) notes.push(html`At least ${schema.minLength} characters.`)
  if (schema.default !== undefined) notes.push(html`Default ${json(schema.default)}.`)
  if (schema.example !== undefined && schema.example !== null) notes.push(html`Example ${json(schema.example)}.`)
  return notes
}

/** The object a schema describes, looking through a reference or an allOf. */
function objectOf(schema: Schema, document: ApiDocument): Schema | null {
  if (schema.$ref) return null
  if (schema.properties) return schema
  if (schema.allOf) {
    const parts = schema.allOf.map((part) => (part.$ref ? document.components?.schemas?.[refName(part.$ref)] : part))
    const merged: Schema = { properties: {}, required: [] }
    for (const part of parts) {
      if (!part?.properties) continue
      Object.assign(merged.properties!, part.properties)
      merged.required!.push(...(part.required ?? []))
    }
    return merged
  }
  return null
}

function fieldList(schema: Schema, document: ApiDocument, depth = 0): Html {
  const object = objectOf(schema, document)
  if (!object?.properties) return html``
  const required = new Set(object.required ?? [])
  return html`<ul class="fields">
${Object.entries(object.properties).map(([name, field]) => {
  const nested = depth < 2 ? (field.items ? objectOf(field.items, document) : objectOf(field, document)) : null
  return html`<li>
<div class="field-head"><code class="field-name">${name}</code> <span class="type">${typeLabel(field)}</span>${required.has(name) ? html` <span class="req">required</span>` : ''}</div>
${field.description || field.title ? html`<div class="field-text">${inline(field.description ?? field.title ?? '')}</div>` : ''}
${constraints(field).length > 0 ? html`<div class="field-notes">${constraints(field).map((note) => html`<span>${note}</span> `)}</div>` : ''}
${nested ? fieldList(field.items ?? field, document, depth + 1) : ''}
</li>`
})}
</ul>`
}

function bodyView(type: string, media: MediaType, document: ApiDocument): Html {
  const schema = media.schema ?? {}
  const fields = objectOf(schema, document)
  return html`<div class="media">
<p class="media-type"><code>${type}</code>${schema.$ref ? html` · ${typeLabel(schema)}` : fields ? '' : html` · ${typeLabel(schema)}`}</p>
${schema.description && !schema.$ref ? html`<p class="field-text">${inline(schema.description)}</p>` : ''}
${fields ? fieldList(schema, document) : ''}
</div>`
}

/** The codes one problem answer may carry, each with its title. */
function problemCodes(media: MediaType, titles: Map<string, string>): Html {
  const codes = media.schema?.allOf?.flatMap((part) => (part.properties?.code?.enum as string[] | undefined) ?? []) ?? []
  return html`<ul class="codes">${codes.map(
    (code) => html`<li><a href="#code-${code}"><code>${code}</code></a> <span class="muted">${titles.get(code) ?? ''}</span></li>`,
  )}</ul>`
}

function responseView(status: string, response: Response, titles: Map<string, string>): Html {
  const content = Object.entries(response.content ?? {})
  const problem = response.content?.[PROBLEM_TYPE]
  const others = content.filter(([type]) => type !== PROBLEM_TYPE)
  return html`<li class="response">
<div class="response-head"><span class="status s${status[0]}">${status}</span> ${problem ? problemCodes(problem, titles) : html`<span>${inline(response.description ?? '')}</span>`}</div>
${others
  .filter(([type]) => !(type === 'text/html' && problem))
  .map(([type, media]) => html`<p class="media-type"><code>${type}</code> · ${typeLabel(media.schema ?? {})}</p>`)}
${
  response.headers
    ? html`<ul class="headers">${Object.entries(response.headers).map(
        ([name, header]) => html`<li><code>${name}</code> <span class="muted">${inline(header.description ?? '')}</span></li>`,
      )}</ul>`
    : ''
}
</li>`
}

function parameterView(parameter: Parameter): Html {
  const schema = parameter.schema ?? {}
  const text = parameter.description ?? schema.description
  return html`<li>
<div class="field-head"><code class="field-name">${parameter.name}</code> <span class="type">${typeLabel(schema)}</span> <span class="where">${parameter.in}</span>${parameter.required ? html` <span class="req">required</span>` : ''}</div>
${text ? html`<div class="field-text">${inline(text)}</div>` : ''}
${constraints(schema).length > 0 ? html`<div class="field-notes">${constraints(schema).map((note) => html`<span>${note}</span> `)}</div>` : ''}
</li>`
}

function access(operation: Operation): Html {
  if (operation['x-admin-only']) return html`<span class="badge admin">Admin key</span>`
  if (operation.security && operation.security.length > 0) return html`<span class="badge">API key</span>`
  return html`<span class="badge open">Public</span>`
}

function operationView(method: string, path: string, operation: Operation, document: ApiDocument, titles: Map<string, string>): Html {
  const body = operation.requestBody
  return html`<article class="op card" id="${anchor(method, path)}">
<div class="op-head"><span class="method ${method}">${method.toUpperCase()}</span> <code class="op-path">${path}</code> ${access(operation)}</div>
<h3><a href="#${anchor(method, path)}">${operation.summary ?? `${method.toUpperCase()} ${path}`}</a></h3>
${prose(operation.description)}
${
  operation.parameters?.length
    ? html`<h4>Parameters</h4>
<ul class="fields">${operation.parameters.map(parameterView)}</ul>`
    : ''
}
${
  body
    ? html`<h4>Request body${body.required ? '' : html` <span class="muted">(optional)</span>`}</h4>
${body.description ? html`<p class="field-text">${inline(body.description)}</p>` : ''}
${Object.entries(body.content).map(([type, media]) => bodyView(type, media, document))}`
    : ''
}
<h4>Responses</h4>
<ul class="responses">${Object.entries(operation.responses).map(([status, response]) => responseView(status, response, titles))}</ul>
${
  Object.values(operation.responses).some((response) => response.content?.[PROBLEM_TYPE] && response.content['text/html'])
    ? html`<p class="muted small">Errors are problem+json; people whose browser asks for <code>text/html</code> get a readable page with the same status instead.</p>`
    : ''
}
</article>`
}

interface Entry {
  method: string
  path: string
  operation: Operation
}

function operationsByTag(document: ApiDocument): { name: string; description?: string; entries: Entry[] }[] {
  const entries: Entry[] = []
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method]
      if (operation) entries.push({ method, path, operation })
    }
  }
  const tags = document.tags ?? []
  return tags
    .map((tag) => ({ ...tag, entries: entries.filter((entry) => entry.operation.tags?.[0] === tag.name) }))
    .filter((tag) => tag.entries.length > 0)
}

/** Every problem code with its status and title, from the Problem schema's `code`. */
function problemTable(document: ApiDocument): { code: string; status: string; title: string }[] {
  const code = document.components?.schemas?.Problem?.properties?.code
  return (code?.anyOf ?? []).map((option) => ({
    code: String(option.enum?.[0]),
    status: (option.description ?? '').replace(/^HTTP /, ''),
    title: option.title ?? '',
  }))
}

const REFERENCE_STYLE = `
:root{--code-bg:#eef0f4;--get:#0a6b3b;--get-bg:#e2f4e9;--post:#1f4fd1;--post-bg:#e6edfc;--delete:#b42318;--delete-bg:#fdecea;--head:#4a5160;--head-bg:#eceef2;--warn:#8a5a00;--warn-bg:#fdf2dc}
@media (prefers-color-scheme:dark){:root{--code-bg:#262a32;--get:#7fe0a8;--get-bg:#143222;--post:#9db9ff;--post-bg:#1b2750;--delete:#ff9e92;--delete-bg:#3d1915;--head:#b5bbc7;--head-bg:#2a2e36;--warn:#f3c76b;--warn-bg:#3a2d0f}}
a{color:var(--accent)}
code{font:.875em/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;background:var(--code-bg);padding:.08em .25em;border-radius:4px;overflow-wrap:anywhere}
.shell{display:grid;grid-template-columns:18.5rem minmax(0,1fr);max-width:86rem;margin:0 auto}
.toc{position:sticky;top:0;align-self:start;max-height:100vh;overflow-y:auto;padding:1.75rem .75rem 2rem 1.25rem;border-right:1px solid var(--line);font-size:.875rem}
.toc ul{list-style:none;margin:0;padding:0}
.toc a{display:flex;gap:.5rem;align-items:baseline;padding:.25rem .5rem;border-radius:6px;color:var(--fg);text-decoration:none}
.toc a:hover{background:var(--card)}
.toc .brand{font-weight:700;font-size:1.05rem;padding-bottom:.5rem}
.toc .toc-tag{margin:1.1rem 0 .3rem .5rem;font-size:.72rem;font-weight:700;letter-spacing:.07em;text-transform:uppercase;color:var(--muted)}
.toc code{background:none;padding:0;font-size:.8rem}
.toc .method{flex:none;width:3.6rem}
.jump{display:none}
.reference main{max-width:54rem;margin:0;padding:2.25rem 2.5rem 3rem;min-width:0}
.reference h1{font-size:2rem;margin:.25rem 0 1rem}
.reference h2{font-size:1.45rem;margin:3rem 0 .5rem;padding-top:.5rem}
.reference h3{font-size:1.15rem;margin:.6rem 0 .4rem}
.reference h3 a{color:inherit;text-decoration:none}
.reference h3 a:hover{text-decoration:underline}
.reference h4{font-size:.74rem;font-weight:700;letter-spacing:.07em;text-transform:uppercase;color:var(--muted);margin:1.4rem 0 .35rem}
.intro dl{margin:1.25rem 0 0}
.op{margin:1rem 0 1.25rem;scroll-margin-top:1rem}
.op-head{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem .6rem}
.op-path{font-size:.95rem;font-weight:600;background:none;padding:0}
.method{display:inline-block;min-width:3.6rem;text-align:center;font:700 .7rem/1.65 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.04em;padding:0 .4rem;border-radius:4px;color:var(--head);background:var(--head-bg)}
.method.get{color:var(--get);background:var(--get-bg)}
.method.post{color:var(--post);background:var(--post-bg)}
.method.delete{color:var(--delete);background:var(--delete-bg)}
.method.patch,.method.put{color:var(--warn);background:var(--warn-bg)}
.badge{font-size:.74rem;line-height:1.5;padding:0 .55rem;border-radius:999px;border:1px solid var(--line);color:var(--muted);white-space:nowrap}
.badge.admin{color:var(--warn);border-color:currentColor}
.fields,.responses,.codes,.headers{list-style:none;margin:0;padding:0}
.fields>li{padding:.55rem 0;border-top:1px solid var(--line)}
.fields>li:last-child{border-bottom:1px solid var(--line)}
.fields .fields{margin:.5rem 0 0 .9rem;padding-left:.75rem;border-left:2px solid var(--line)}
.fields .fields>li:last-child{border-bottom:0}
.field-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.15rem .5rem}
.field-name{font-weight:600;background:none;padding:0}
.type,.where{color:var(--muted);font-size:.85rem}
.where{font-style:italic}
.req{color:var(--delete);font-size:.72rem;font-weight:700;letter-spacing:.03em;text-transform:uppercase}
.field-text{margin:.2rem 0 0;font-size:.93rem}
.field-notes{margin-top:.15rem;color:var(--muted);font-size:.85rem}
.media{margin:.4rem 0 .8rem}
.media-type{margin:.35rem 0;font-size:.9rem}
.response{padding:.55rem 0;border-top:1px solid var(--line)}
.response:last-child{border-bottom:1px solid var(--line)}
.response-head{display:flex;gap:.6rem;align-items:baseline}
.status{font:700 .8rem/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:0 .4rem;border-radius:4px;color:var(--head);background:var(--head-bg)}
.status.s2{color:var(--get);background:var(--get-bg)}
.status.s4{color:var(--warn);background:var(--warn-bg)}
.status.s5{color:var(--delete);background:var(--delete-bg)}
.codes{display:flex;flex-direction:column;gap:.2rem}
.codes a{text-decoration:none}
.headers{margin:.35rem 0 0 3.1rem;font-size:.88rem}
.headers li{display:grid;grid-template-columns:minmax(8.5rem,max-content) 1fr;gap:.1rem .75rem;margin:.15rem 0}
.headers code{justify-self:start;align-self:start}
.response .media-type,.response p{margin-left:3.1rem}
table{width:100%;border-collapse:collapse;font-size:.92rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:baseline}
th{font-size:.74rem;letter-spacing:.07em;text-transform:uppercase;color:var(--muted)}
tr{scroll-margin-top:1rem}
.schema{scroll-margin-top:1rem}
.reference footer{text-align:left;margin-top:3rem}
@media (max-width:60rem){
.shell{display:block}
.toc{display:none}
.jump{display:flex;flex-wrap:wrap;gap:.4rem;margin:0 0 1.5rem}
.jump a{font-size:.85rem;padding:.15rem .65rem;border:1px solid var(--line);border-radius:999px;background:var(--card);text-decoration:none}
.reference main{padding:1.5rem 1rem 2.5rem}
.reference h1{font-size:1.6rem}
.card{padding:1.1rem}
.headers,.response .media-type,.response p{margin-left:0}
.headers li{display:block}
}
`

/** The reference page of `openapi`. */
export function apiReferencePage(openapi: OpenAPIObject) {
  const document = openapi as ApiDocument
  const tags = operationsByTag(document)
  const problems = problemTable(document)
  const titles = new Map(problems.map((problem) => [problem.code, problem.title]))
  const schemas = Object.entries(document.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b))
  const server = document.servers?.[0]?.url ?? ''
  const { title, version } = document.info
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow, noarchive">
<meta name="referrer" content="no-referrer">
<title>${title} reference</title>
<style>${raw(PAGE_STYLE)}${raw(REFERENCE_STYLE)}</style>
</head>
<body class="reference">
<div class="shell">
<nav class="toc" aria-label="Contents">
<a class="brand" href="#top">${title}</a>
${tags.map(
  (tag) => html`<p class="toc-tag">${tag.name}</p>
<ul>${tag.entries.map(
    ({ method, path }) =>
      html`<li><a href="#${anchor(method, path)}"><span class="method ${method}">${method.toUpperCase()}</span><code>${path}</code></a></li>`,
  )}</ul>`,
)}
<p class="toc-tag">Reference</p>
<ul><li><a href="#schemas">Schemas</a></li><li><a href="#problem-codes">Problem codes</a></li><li><a href="/api/openapi.json">OpenAPI document</a></li></ul>
</nav>
<main id="top">
<header class="intro">
<p class="eyebrow">API reference · version ${version}</p>
<h1>${title}</h1>
<nav class="jump" aria-label="Sections">${tags.map((tag) => html`<a href="#tag-${tag.name}">${tag.name}</a>`)}<a href="#schemas">Schemas</a><a href="#problem-codes">Problem codes</a></nav>
${prose(document.info.description)}
<dl>
<dt>Base URL</dt><dd><code>${server}</code></dd>
<dt>Authentication</dt><dd><code>Authorization: Bearer &lt;key&gt;</code> on <code>/api/v1</code></dd>
<dt>OpenAPI 3.1</dt><dd><a href="/api/openapi.json">/api/openapi.json</a></dd>
</dl>
</header>
${tags.map(
  (tag) => html`<section id="tag-${tag.name}">
<h2>${tag.name}</h2>
${prose(tag.description)}
${tag.entries.map(({ method, path, operation }) => operationView(method, path, operation, document, titles))}
</section>`,
)}
<section id="schemas">
<h2>Schemas</h2>
<p>The shapes the operations above send and answer. Fields may be added; a client should ignore the ones it does not know.</p>
${schemas.map(
  ([name, schema]) => html`<article class="card schema op" id="schema-${name}">
<h3>${name}</h3>
${prose(schema.description)}
${schema.allOf ? html`<p class="field-text">Every field of ${typeLabel(schema.allOf.find((part) => part.$ref) ?? {})}, and:</p>${fieldList(schema.allOf.find((part) => !part.$ref) ?? {}, document)}` : fieldList(schema, document)}
</article>`,
)}
</section>
<section id="problem-codes">
<h2>Problem codes</h2>
<p>Every error answers <code>application/problem+json</code> with one of these codes in <code>code</code>. Branch on the code, not on the text.</p>
<div class="card"><table>
<thead><tr><th>Code</th><th>Status</th><th>Title</th></tr></thead>
<tbody>${problems.map(
    (problem) =>
      html`<tr id="code-${problem.code}"><td><code>${problem.code}</code></td><td>${problem.status}</td><td>${problem.title}</td></tr>`,
  )}</tbody>
</table></div>
</section>
<footer class="muted small">Generated by fuselink from its OpenAPI document.</footer>
</main>
</div>
</body>
</html>`
}
