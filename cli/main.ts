import { parseArgs } from 'node:util';
import { runClassify } from './classify.js';

const USAGE = `Usage: bounce <command> [options]

Commands:
  classify [FILE...]   Classify SES notifications or recipient lines (JSON Lines)
                       from FILEs or stdin ("-"); one JSON decision per recipient
                       on stdout. Options: --summary (counts per category and
                       action on stderr), --campaign-tag/--batch-tag/--source-tag NAME.
  help                 Show this help.
`;

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'classify': {
      let parsed;
      try {
        parsed = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: {
            summary: { type: 'boolean', default: false },
            'campaign-tag': { type: 'string', default: 'campaign' },
            'batch-tag': { type: 'string', default: 'batch' },
            'source-tag': { type: 'string', default: 'source' },
          },
        });
      } catch (error) {
        process.stderr.write(`bounce classify: ${(error as Error).message}\n\n${USAGE}`);
        return 2;
      }
      const { values, positionals } = parsed;
      return runClassify(
        {
          files: positionals,
          summary: values.summary,
          tagNames: { campaign: values['campaign-tag'], batch: values['batch-tag'], source: values['source-tag'] },
        },
        { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
      );
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(command ? `bounce: unknown command "${command}"\n\n${USAGE}` : USAGE);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
