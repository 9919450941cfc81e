import type { Command } from 'commander';
import { CliError, EXIT } from '../context';
import { explainVerify, verifyApi } from './verify-api';

/** Default friendly name of the Verify Service twofold uses (also the TOTP issuer people's apps show). */
export const DEFAULT_SERVICE_NAME = 'twofold';

/** `twofold verify service ensure`: creates or finds the Verify Service (docs/verify.md, "Setting up"). */
export function registerVerifyCommands(program: Command): void {
  const verify = program.command('verify').description('Twilio Verify v2 set-up');
  const service = verify.command('service').description('the Verify Service onboardings use');
  service
    .command('ensure')
    .description(
      'print the Service of VERIFY_SERVICE_SID, else find one by name, else create it; set VERIFY_SERVICE_SID to the SID printed',
    )
    .option(
      '--name <name>',
      'friendly name (also the TOTP issuer shown in authenticator apps)',
      DEFAULT_SERVICE_NAME,
    )
    .option('--json', 'print { sid, friendlyName, created }')
    .action(async (options: { name: string; json?: boolean }) => {
      const name = options.name.trim();
      if (name === '' || name.length > 30)
        throw new CliError('--name must be 1 to 30 characters', EXIT.usage);
      const { client, config } = verifyApi();
      const explain = explainVerify(config, 'cannot ensure the Verify Service');
      let found = config.verify.serviceSid
        ? await client.fetchService(config.verify.serviceSid).catch(explain)
        : (await client.listServices().catch(explain)).find((s) => s.friendly_name === name);
      const created = found === undefined;
      found ??= await client.createService({ friendlyName: name, totpIssuer: name }).catch(explain);
      if (options.json) {
        console.log(JSON.stringify({ sid: found.sid, friendlyName: found.friendly_name, created }));
        return;
      }
      console.log(`${created ? 'created' : 'found'} Verify Service ${found.sid} "${found.friendly_name}"`);
      if (config.verify.serviceSid !== found.sid) console.log(`  set VERIFY_SERVICE_SID=${found.sid}`);
    });
}
