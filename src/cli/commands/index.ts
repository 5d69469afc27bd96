import type { Command } from '../command'
import { files, rm } from './files'
import { keygen } from './keygen'
import { keys } from './keys'
import { link, links, revoke } from './links'
import { login } from './login'
import { migrate } from './migrate'
import { share } from './share'
import { users } from './users'

/** Every command, in the order `fuselink help` lists them. */
export const COMMANDS: readonly Command[] = [share, links, link, revoke, files, rm, keys, users, keygen, migrate, login]
