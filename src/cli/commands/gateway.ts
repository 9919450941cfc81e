import type { Command } from 'commander';
import { runGateway } from '../../webhook-gateway/main';
import { positiveNumberArgument } from '../arguments';
import { commandContext, runService } from '../context';

interface GatewayCommandOptions {
  host: string;
  nonceWindow: number;
  targetGrace: number;
  inboxRetention: number;
}

/** `twofold gateway`: the webhook gateway and its dispatcher, until SIGINT/SIGTERM. */
export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description('run the Koa webhook gateway (Authy webhooks, OneTouch callbacks) until SIGINT/SIGTERM')
    .option('--host <address>', 'address to listen on (0.0.0.0 behind a proxy)', '127.0.0.1')
    .option(
      '--nonce-window <seconds>',
      'OneTouch signature nonce freshness window',
      positiveNumberArgument('--nonce-window', 'seconds'),
      300,
    )
    .option(
      '--target-grace <seconds>',
      'how long an event for an authy id no onboarding has yet stays pending',
      positiveNumberArgument('--target-grace', 'seconds'),
      300,
    )
    .option(
      '--inbox-retention <days>',
      'settled webhook_inbox rows older than this are deleted (pending ones never are)',
      positiveNumberArgument('--inbox-retention', 'days'),
      30,
    )
    .action(async (options: GatewayCommandOptions) => {
      const { config, log } = commandContext(['AUTHY_API_KEY']);
      await runService(() =>
        runGateway(config, log, {
          host: options.host,
          app: { nonceWindowSeconds: options.nonceWindow },
          dispatcher: {
            unknownTargetGraceMs: options.targetGrace * 1000,
            inboxRetentionMs: options.inboxRetention * 24 * 60 * 60 * 1000,
          },
        }),
      );
    });
}
