import type { Command } from 'commander';
import { Option } from 'commander';
import { AuthyApiError, AuthyResponseError, AuthyTransportError } from '../../authy/errors';
import {
  ONBOARDING_WEBHOOK_EVENTS,
  WEBHOOK_EVENTS,
  createWebhooksApi,
  isWebhookEvent,
} from '../../authy/webhooks-api';
import type { WebhookEvent, WebhooksApi } from '../../authy/webhooks-api';
import type { Config } from '../../config';
import { listedNames } from '../arguments';
import { CliError, EXIT, commandContext } from '../context';
import { deleteVerifyWebhook, listVerifyWebhooks, registerVerifyWebhook } from './verify-webhooks';

/** `--provider verify` on each subcommand: the Verify Service's webhooks instead of Authy's. */
const providerOption = () =>
  new Option('--provider <name>', 'authy (the Authy Webhooks API) or verify (the Verify Service)')
    .choices(['authy', 'verify'])
    .default('authy');

const CREDENTIALS = 'AUTHY_API_KEY, AUTHY_ACCESS_KEY and AUTHY_API_SIGNING_KEY';

/** The Webhooks API client from the environment; all three keys are needed against the real API. */
function webhooksApi(): { api: WebhooksApi; config: Config } {
  const { config } = commandContext(['AUTHY_API_KEY', 'AUTHY_ACCESS_KEY', 'AUTHY_API_SIGNING_KEY']);
  const { apiUrl, apiKey, accessKey, apiSigningKey } = config.authy;
  if (!apiKey || !accessKey || !apiSigningKey) {
    throw new CliError(`set ${CREDENTIALS} (the application's Webhooks API credentials)`, EXIT.config);
  }
  return { api: createWebhooksApi({ baseUrl: apiUrl, apiKey, accessKey, apiSigningKey }), config };
}

/** Turns Authy failures into messages that say what to do. */
function explain(config: Config, action: string) {
  return (error: unknown): never => {
    if (error instanceof AuthyTransportError) {
      throw new CliError(
        `${action}: cannot reach the Authy API at ${config.authy.apiUrl}\n` +
          '  Fix: start the local stack (`make up`) or the emulator (`twofold emulator`), or set AUTHY_API_URL.',
      );
    }
    if (error instanceof AuthyApiError && error.status === 401) {
      throw new CliError(
        `${action}: the Webhooks API refused the credentials (${error.message})\n` +
          `  Fix: check ${CREDENTIALS} (Twilio Console → your Authy application → Webhooks).`,
      );
    }
    if (error instanceof AuthyApiError || error instanceof AuthyResponseError) {
      throw new CliError(`${action}: ${error.message}`);
    }
    throw error;
  };
}

function parseEvents(values: string[] | undefined): WebhookEvent[] {
  if (values === undefined) return [...ONBOARDING_WEBHOOK_EVENTS];
  const names = listedNames(values);
  if (names.includes('all')) return [...WEBHOOK_EVENTS];
  if (names.length === 0) throw new CliError('--events needs at least one event name', EXIT.usage);
  const unknown = names.filter((name) => !isWebhookEvent(name));
  if (unknown.length > 0) {
    throw new CliError(
      `unknown event name(s): ${unknown.join(', ')}\n  Known: ${WEBHOOK_EVENTS.join(', ')} (or "all")`,
      EXIT.usage,
    );
  }
  return [...new Set(names)] as WebhookEvent[];
}

function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(
      `--url must be an http(s) URL such as https://example.com/webhooks/authy (got "${value}")`,
      EXIT.usage,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`--url must be an http(s) URL (got "${value}")`, EXIT.usage);
  }
  return value;
}

/** `WSK_…abcd`: enough to tell keys apart, not enough to sign with. */
export function maskSecret(secret: string): string {
  const prefix = secret.startsWith('WSK_') ? 'WSK_' : '';
  return secret.length >= prefix.length + 12 ? `${prefix}…${secret.slice(-4)}` : `${prefix}…`;
}

/** `twofold webhooks register|list|delete`: the Authy Webhooks API, signed (works against Twilio and the emulator). */
export function registerWebhooksCommands(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('register, list and delete Authy webhooks (the signed Webhooks API)');

  webhooks
    .command('register')
    .description("register a webhook; its signing key becomes the gateway's AUTHY_WEBHOOK_SIGNING_KEY")
    .requiredOption('--url <url>', 'where Authy delivers, e.g. <GATEWAY_PUBLIC_URL>/webhooks/authy')
    .option(
      '--events <names...>',
      `event names (space- or comma-separated, or "all"; default: ${ONBOARDING_WEBHOOK_EVENTS.join(', ')})`,
    )
    .option('--name <name>', 'a name shown in the Twilio Console', 'twofold')
    .option('--json', "print the API's { webhook: {...} } object")
    .addOption(providerOption())
    .action(
      async (options: { url: string; events?: string[]; name: string; json?: boolean; provider: string }) => {
        if (options.provider === 'verify')
          return registerVerifyWebhook({ ...options, url: parseUrl(options.url) });
        const url = parseUrl(options.url);
        const events = parseEvents(options.events);
        if (options.name.trim() === '') throw new CliError('--name must not be empty', EXIT.usage);
        const { api, config } = webhooksApi();
        const result = await api
          .create({ url, name: options.name, events })
          .catch(explain(config, 'cannot register the webhook'));
        if (options.json) {
          console.log(JSON.stringify({ webhook: result.webhook }));
          return;
        }
        const { webhook } = result;
        console.log(
          `webhook ${webhook.id} "${webhook.name}" registered: ${webhook.events.length} event(s) → ${webhook.url}`,
        );
        console.log(`  events: ${webhook.events.join(', ')}`);
        console.log(`  signing key: ${webhook.signing_key}`);
        console.log(`  give it to the gateway: AUTHY_WEBHOOK_SIGNING_KEY=${webhook.signing_key}`);
      },
    );

  webhooks
    .command('list')
    .description("list the application's webhooks")
    .option('--json', 'print { webhooks: [...] } as the API returns them (signing keys masked)')
    .option('--show-secrets', 'print the signing keys in full (they let anyone forge deliveries)')
    .addOption(providerOption())
    .action(async (options: { json?: boolean; showSecrets?: boolean; provider: string }) => {
      if (options.provider === 'verify') return listVerifyWebhooks(options);
      const { api, config } = webhooksApi();
      const listed = await api.list().catch(explain(config, 'cannot list webhooks'));
      // A signing key lets its holder forge deliveries; a terminal scrollback or a CI log is no
      // place for it unless asked for.
      const list = options.showSecrets
        ? listed
        : listed.map((w) => ({ ...w, signing_key: maskSecret(w.signing_key) }));
      if (options.json) {
        console.log(JSON.stringify({ webhooks: list }));
        return;
      }
      if (list.length === 0) {
        console.log('no webhooks registered (add one with `twofold webhooks register --url …`)');
        return;
      }
      for (const w of list) {
        console.log(`${w.id}  ${w.name}  ${w.url}  ${w.events.length} event(s): ${w.events.join(', ')}`);
      }
    });

  webhooks
    .command('delete')
    .description('delete a webhook by id (WH_…)')
    .argument('<webhookId>', 'the id printed by register or list')
    .option('--json', 'print { deleted: id }')
    .addOption(providerOption())
    .action(async (webhookId: string, options: { json?: boolean; provider: string }) => {
      if (options.provider === 'verify') return deleteVerifyWebhook(webhookId, options);
      if (webhookId.trim() === '') throw new CliError('the webhook id must not be empty', EXIT.usage);
      const { api, config } = webhooksApi();
      await api.delete(webhookId).catch((error: unknown) => {
        if (error instanceof AuthyApiError && error.status === 404) {
          throw new CliError(
            `no webhook ${webhookId} (${error.message})\n  Fix: see the registered ids with \`twofold webhooks list\`.`,
          );
        }
        return explain(config, `cannot delete webhook ${webhookId}`)(error);
      });
      if (options.json) console.log(JSON.stringify({ deleted: webhookId }));
      else console.log(`webhook ${webhookId} deleted`);
    });
}
