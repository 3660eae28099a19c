import type { ParseArgsConfig } from 'node:util';
import type { AppConfig } from '../config/app-config';
import type { Database } from '../database/database';

/** The CLI's command shape, in a leaf file: `cli.ts` lists the commands, each file defines some. */

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

/** What a command runs with: its parsed arguments, the database and the configuration. */
export interface CommandContext {
  io: CliIo;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  db: Database;
  config: AppConfig;
}

/**
 * One CLI command. Each is defined in a function of its own and listed in COMMANDS (cli.ts), so a
 * new command is one new function and one line in the list.
 */
export interface Command {
  name: string;
  /** Arguments as shown in the usage line, e.g. `--name <name> --scopes <scope,...>`. */
  args: string;
  summary: string;
  /** Longer help for `<command> --help`: one string per line. */
  help: string[];
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext): Promise<number>;
}
