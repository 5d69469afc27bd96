import { type Command, expectArguments } from '../command'
import { UsageError } from '../exit'
import { readSecret } from '../secret'

export const users: Command = {
  name: 'users',
  summary: 'add a person who signs in to the web app (admin)',
  usage: 'add USERNAME [--role user|admin] [--password]',
  help: [
    '--role ROLE    user (its own files, links and keys; the default) or admin',
    '--password     set the password now: typed without echo, or the first line of stdin;',
    '               without it the user gets an invite link (printed) to choose one',
  ],
  options: { role: { type: 'string' }, password: { type: 'boolean' } },
  async run(context, values, positionals) {
    const [action, username] = positionals
    expectArguments(positionals, { min: 2, max: 2 }, action ? 'USERNAME' : 'add')
    if (action !== 'add') throw new UsageError(`users: add, not "${action}"`)
    const role = (values.role as string | undefined) ?? 'user'
    if (role !== 'user' && role !== 'admin') throw new UsageError(`--role: user or admin, got "${role}"`)
    const client = context.client()
    const password = values.password ? await readSecret(context.io, `password for ${username}: `) : undefined
    const created = await client.users.create({ username: username!, role, ...(password === undefined ? {} : { password }) })
    context.out.result(created, () => created.inviteUrl ?? created.id)
    context.out.note(
      created.inviteUrl
        ? `added ${created.role} ${created.username} (${created.id}): send them the invite link above to choose a password`
        : `added ${created.role} ${created.username} (${created.id}): they can sign in now`,
    )
  },
}
