import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inProcessApp } from '../test/support/in-process-app'

/*
 * `npm run client`: writes the types of the typed client (src/client) from
 * the API document the app serves at /api/openapi.json, so the client is
 * typed by the same zod schemas that validate the requests, without
 * importing any server code. A test fails when the generated module is stale.
 * Why not Hono's `hc`: see docs/integrations.md, "The typed client".
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const GENERATED_CLIENT = join(ROOT, 'src/client/api.generated.ts')

/** The parts of JSON Schema (as @hono/zod-openapi writes OpenAPI 3.1) that the generator reads. */
interface Schema {
  $ref?: string
  allOf?: Schema[]
  anyOf?: Schema[]
  oneOf?: Schema[]
  const?: unknown
  enum?: unknown[]
  type?: string | string[]
  items?: Schema
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: boolean | Schema
  description?: string
}

type Content = Record<string, { schema?: Schema }>

interface Operation {
  summary?: string
  'x-admin-only'?: boolean
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[]
  requestBody?: { content?: Content }
  responses?: Record<string, { content?: Content }>
}

interface Document {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Schema> }
}

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete']
const REF = '#/components/schemas/'

/** The API document of the app in this checkout. */
export async function currentApiDocument(): Promise<Document> {
  const fixture = await inProcessApp({ PUBLIC_URL: 'https://files.example.com' })
  try {
    return (await (await fixture.app.request('https://files.example.com/api/openapi.json')).json()) as Document
  } finally {
    fixture.close()
  }
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const key = (name: string) => (identifier.test(name) ? name : JSON.stringify(name))
const literal = (value: unknown) => JSON.stringify(value)

function comment(text: string | undefined, indent: string): string {
  if (!text) return ''
  const lines = text.replaceAll('*/', '*\\/').split('\n')
  return lines.length === 1
    ? `${indent}/** ${lines[0]} */\n`
    : `${indent}/**\n${lines.map((line) => `${indent} * ${line}`.trimEnd()).join('\n')}\n${indent} */\n`
}

/** A JSON Schema (as @hono/zod-openapi writes OpenAPI 3.1) as a TypeScript type. */
function typeOf(schema: Schema | undefined, indent = ''): string {
  if (!schema || Object.keys(schema).length === 0) return 'unknown'
  if (schema.$ref) {
    if (!schema.$ref.startsWith(REF)) throw new Error(`unsupported reference ${schema.$ref}`)
    return `Schemas[${literal(schema.$ref.slice(REF.length))}]`
  }
  if (schema.allOf) return schema.allOf.map((part: Schema) => typeOf(part, indent)).join(' & ')
  const union = schema.anyOf ?? schema.oneOf
  if (union) return union.map((part: Schema) => typeOf(part, indent)).join(' | ')
  if ('const' in schema) return literal(schema.const)
  if (schema.enum) return schema.enum.map(literal).join(' | ')
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
  if (types.length > 1) return types.map((type) => typeOf({ ...schema, type }, indent)).join(' | ')
  switch (types[0]) {
    case 'string':
      return 'string'
    case 'number':
    case 'integer':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'array':
      return `Array<${typeOf(schema.items, indent)}>`
    case 'object':
    case undefined:
      return objectType(schema, indent)
    default:
      throw new Error(`unsupported schema type ${types[0]}`)
  }
}

function objectType(schema: Schema, indent: string): string {
  const properties = schema.properties ?? {}
  const required = new Set<string>(schema.required ?? [])
  const inner = `${indent}  `
  const lines = Object.entries(properties).map(
    ([name, property]) =>
      `${comment(property.description, inner)}${inner}${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(property, inner)}`,
  )
  const extra = schema.additionalProperties
  if (extra !== undefined && extra !== false) lines.push(`${inner}[key: string]: ${extra === true ? 'unknown' : typeOf(extra, inner)}`)
  return lines.length === 0 ? 'Record<string, never>' : `{\n${lines.join('\n')}\n${indent}}`
}

const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json')

function jsonSchemaOf(content: Content | undefined): Schema | undefined {
  const entry = Object.entries(content ?? {}).find(([mediaType]) => isJson(mediaType))
  return entry?.[1].schema
}

/** One operation's entry of `Operations`, or null for answers that are not JSON (pages, downloads). */
function operationType(method: string, path: string, operation: Operation): string | null {
  const responses = operation.responses ?? {}
  const success = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status))
  if (success.length !== 1) return null
  const [status, answer] = success[0]!
  const answerSchema = jsonSchemaOf(answer.content)
  if (answer.content && !answerSchema) return null

  const parameters = operation.parameters ?? []
  const group = (where: string) => {
    const list = parameters.filter((parameter) => parameter.in === where)
    if (list.length === 0) return 'Record<string, never>'
    const lines = list.map(
      (parameter) =>
        `${comment(parameter.description, '      ')}      ${key(parameter.name)}${parameter.required ? '' : '?'}: ${typeOf(parameter.schema, '      ')}`,
    )
    return `{\n${lines.join('\n')}\n    }`
  }
  const requestContent = operation.requestBody?.content
  const bodySchema = jsonSchemaOf(requestContent)
  const body = !requestContent ? 'undefined' : bodySchema ? typeOf(bodySchema, '    ') : literal('bytes')

  const codes = new Set<string>()
  for (const [code, response] of Object.entries(responses)) {
    if (/^2\d\d$/.test(code)) continue
    const problem = response.content?.['application/problem+json']?.schema
    for (const part of problem?.allOf ?? []) for (const value of part.properties?.code?.enum ?? []) codes.add(String(value))
  }
  return [
    comment([operation.summary, operation['x-admin-only'] ? 'Admin only.' : ''].filter(Boolean).join(' — '), '  '),
    `  ${literal(`${method.toUpperCase()} ${path}`)}: {\n`,
    `    path: ${group('path')}\n`,
    `    query: ${group('query')}\n`,
    `    /** The JSON body; 'bytes' for a raw upload; undefined when none. */\n`,
    `    body: ${body}\n`,
    `    status: ${status}\n`,
    `    response: ${answerSchema ? typeOf(answerSchema, '    ') : 'undefined'}\n`,
    `    /** The problem codes this operation may answer. */\n`,
    `    codes: ${[...codes].sort().map(literal).join(' | ') || 'never'}\n`,
    '  }',
  ].join('')
}

/** The generated module's text for a document. */
export function renderClientTypes(document: Document): string {
  const schemas = Object.entries(document.components.schemas)
    .map(([name, schema]) => `${comment(schema.description, '  ')}  ${key(name)}: ${typeOf(schema, '  ')}`)
    .join('\n')
  const operations = Object.entries(document.paths)
    .flatMap(([path, item]) => METHODS.filter((method) => item[method]).map((method) => operationType(method, path, item[method]!)))
    .filter((entry): entry is string => entry !== null)
    .join('\n')
  const codes = (document.components.schemas.Problem?.properties?.code?.anyOf ?? []).flatMap((option) => option.enum ?? [option.const])
  return `// Generated by \`npm run client\` from the API document (GET /api/openapi.json). Do not edit.

/** The named schemas of the API document. */
export interface Schemas {
${schemas}
}

/** Every problem code the service answers with (docs/api.md, "Errors"). */
export type ProblemCode = ${codes.map(literal).join(' | ')}

/** The operations that answer JSON (or nothing), by "METHOD /path" as the document names them. */
export interface Operations {
${operations}
}
`
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderClientTypes(await currentApiDocument())
  const before = (() => {
    try {
      return readFileSync(GENERATED_CLIENT, 'utf8')
    } catch {
      return ''
    }
  })()
  if (text !== before) writeFileSync(GENERATED_CLIENT, text)
  process.stdout.write(`${text === before ? 'unchanged' : 'wrote'} ${GENERATED_CLIENT}\n`)
}
