import { ConfigError } from '../core/errors'
import { SETTINGS, secretValues } from '../core/settings'
import { startupFailureLine } from '../core/startup-failure'

/** Ends a process that could not start with one line saying why (a bad setting is named). */
export function exitOnStartupFailure(error: unknown): never {
  process.stderr.write(`${startupFailureLine(error, secretValues(process.env))}\n`)
  process.exit(1)
}

/** Why the server could not listen, naming the setting to change: a port in use, a privileged port, an address not on this host. */
export function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new ConfigError(SETTINGS.port.name, `${host}:${port} is already in use; stop what listens there or choose another PORT`)
  if (error.code === 'EACCES')
    return new ConfigError(SETTINGS.port.name, `listening on port ${port} needs privileges this process does not have`)
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return new ConfigError(SETTINGS.host.name, `${host} is not an address of this machine`)
  return error
}
