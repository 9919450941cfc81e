import type { Command } from 'commander';
import { CodecServerRefusedError, runCodecServer } from '../../temporal/codec-server';
import { portArgument } from '../arguments';
import { CliError, EXIT, commandContext } from '../context';

/**
 * `twofold codec-server`: Temporal's codec server protocol (POST /encode, /decode) over the payload
 * keyring, for the Web UI (`--ui-codec-endpoint`) and `temporal … --codec-endpoint`.
 */
export function registerCodecServerCommand(program: Command): void {
  program
    .command('codec-server')
    .description(
      'decrypt payloads for the Temporal Web UI and CLI (codec server protocol) until SIGINT/SIGTERM',
    )
    .option(
      '--host <address>',
      'interface to listen on (beyond loopback only with TWOFOLD_CODEC_TOKEN)',
      '127.0.0.1',
    )
    .option(
      '--port <port>',
      'port to listen on (default CODEC_PORT, 8089)',
      portArgument('--port', { allowZero: true }),
    )
    .action(async (options: { host: string; port?: number }) => {
      const { config, log } = commandContext();
      try {
        await runCodecServer(config, log, {
          host: options.host,
          ...(options.port === undefined ? {} : { port: options.port }),
        });
      } catch (error) {
        if (error instanceof CodecServerRefusedError) throw new CliError(error.message, EXIT.config);
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new CliError(`port ${options.port ?? config.codec.port} is taken: free it or set CODEC_PORT`);
        }
        throw error;
      }
    });
}
