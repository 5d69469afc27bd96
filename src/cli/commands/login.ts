import { type Command, clientFor, expectArguments } from '../command'
import { configPath, writeConfigFile } from '../config'

export const login: Command = {
  name: 'login',
  summary: 'check a URL and key, and keep them in the config file',
  usage: '--url URL --key KEY',
  help: ['Writes the config file owner-only (0600): FUSELINK_CONFIG, else ~/.config/fuselink/config.json'],
  options: {},
  async run(context, _values, positionals) {
    expectArguments(positionals, { min: 0, max: 0 }, '')
    const server = context.server()
    // Any call that needs the key proves it works.
    await clientFor(server).files.list({ limit: 1 })
    const path = configPath(context.io.env)
    writeConfigFile(path, { url: server.url, key: server.key })
    context.out.result({ url: server.url, config: path }, () => `${server.url}: key accepted, saved to ${path}`)
  },
}
