// Writes the prebuilt workflow bundle a production worker loads through TWOFOLD_WORKFLOW_BUNDLE.
// Usage: tsx scripts/build-workflow-bundle.ts <output-file>
import { writeFile } from 'node:fs/promises';
import { buildWorkflowBundle } from '../src/worker';

async function main(): Promise<void> {
  const output = process.argv[2];
  if (!output) throw new Error('usage: build-workflow-bundle.ts <output-file>');
  const code = await buildWorkflowBundle();
  await writeFile(output, code);
  console.log(`workflow bundle written to ${output} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
