/**
 * `runCli(argv)`: the `netcash` command without touching the process (main.ts runs it);
 * `runCommand(program, command, argv)`: one command on its own (`netcash-demo`, @netcash/demo).
 */
import { helpText, parse, UsageError } from './args.ts';
import { auditCommand } from './audit.ts';
import { migrateCommand } from './migrate.ts';
import { registerCommand, registrationsCommand, revokeCommand } from './operator.ts';
import { csRotateCommand } from './rotate.ts';
import { bankCommand, type Command, csCommand, insurerCommand } from './serve.ts';
import { upCommand } from './up.ts';

const COMMANDS: Record<string, Command> = {
  up: upCommand,
  insurer: {
    ...insurerCommand,
    subcommands: {
      register: registerCommand,
      registrations: registrationsCommand,
      revoke: revokeCommand,
    },
  },
  bank: bankCommand,
  cs: { ...csCommand, subcommands: { rotate: csRotateCommand } },
  audit: auditCommand,
  migrate: migrateCommand,
};

const USAGE = `Usage: netcash <command> [options]

NetCash reference federation (insurer, bank, currency servers).

Commands:
  up        start insurer, bank, cs1 and cs2 on localhost (\`npm start\` adds the demo publisher)
  insurer   run the insurer (\`netcash insurer register|registrations|revoke\`: its operator)
  bank      run the bank
  cs        run a currency server (\`netcash cs rotate\`: new keys and certificate now)
  audit     check the books of the federation (exit 1 on any difference)
  migrate   bring a server's database schema up to date (before servers over PostgreSQL start)

Run \`netcash <command> --help\` for its options.
`;

export async function runCli(argv: readonly string[]): Promise<number> {
  const [first, ...more] = argv;
  const sub = first === undefined ? undefined : COMMANDS[first]?.subcommands?.[more[0] ?? ''];
  const name = sub === undefined ? first : `${first} ${more[0]}`;
  const rest = sub === undefined ? more : more.slice(1);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = sub ?? COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`netcash: unknown command ${name}\n\n${USAGE}`);
    return 2;
  }
  return runCommand(`netcash ${name}`, command, rest);
}

/** Runs `command` with `argv` (its flags): its exit code; 2 with its help on a usage error. */
export async function runCommand(
  program: string,
  command: Command,
  argv: readonly string[],
): Promise<number> {
  const help = helpText(command.usage, command.about, command.flags);
  try {
    const args = parse(argv, command.flags);
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(help);
      return 0;
    }
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${program}: ${error.message}\n\n${help}`);
      return 2;
    }
    process.stderr.write(`${program}: ${error instanceof Error ? error.message : error}\n`);
    return 1;
  }
}
