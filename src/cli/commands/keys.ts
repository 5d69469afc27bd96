import { type Command, expectArguments } from '../command'
import { UsageError } from '../exit'

export const keys: Command = {
  name: 'keys',
  summary: 'create or disable API keys (an admin any; a user its own)',
  usage: 'create NAME [--role user|admin] | disable ID [--revoke-links]',
  help: [
    '--role ROLE       create: user (its own files and links only; the default) or admin',
    '--revoke-links    disable: also revoke every link the key issued',
  ],
  options: { role: { type: 'string' }, 'revoke-links': { type: 'boolean' } },
  async run(context, values, positionals) {
    const [action, argument] = positionals
    expectArguments(positionals, { min: 2, max: 2 }, action ? `${action === 'create' ? 'NAME' : 'ID'} (the key)` : 'create or disable')
    const client = context.client()
    if (action === 'create') {
      if (values['revoke-links']) throw new UsageError('--revoke-links goes with keys disable')
      const role = (values.role as string | undefined) ?? 'user'
      if (role !== 'user' && role !== 'admin') throw new UsageError(`--role: user or admin, got "${role}"`)
      const created = await client.keys.create({ name: argument!, role })
      context.out.result(created, () => created.key)
      context.out.note(`created ${created.role} key ${created.id} "${created.name}": the secret above is shown this once`)
      return
    }
    if (action === 'disable') {
      if (values.role !== undefined) throw new UsageError('--role goes with keys create')
      const revokeLinks = values['revoke-links'] === true
      await client.keys.disable(argument!, { revokeLinks })
      context.out.result({ id: argument, disabled: true, revokedLinks: revokeLinks }, () => [])
      context.out.note(`disabled key ${argument}${revokeLinks ? ', and revoked every link it issued' : ''}`)
      return
    }
    throw new UsageError(`keys: create or disable, not "${action}"`)
  },
}
