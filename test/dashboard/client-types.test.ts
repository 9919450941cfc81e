import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const repo = path.resolve(__dirname, '..', '..');

describe('the page scripts', () => {
  it('when the browser modules are type-checked against the DOM (JSDoc, // @ts-check), then tsc finds no error', async () => {
    // The project's tsconfig has no DOM types; the page's plain ES modules have their own jsconfig.
    const tsc = path.join(repo, 'node_modules', '.bin', 'tsc');
    const { stdout } = await promisify(execFile)(tsc, ['-p', 'src/dashboard/public/jsconfig.json'], {
      cwd: repo,
    }).catch((error: { stdout?: string; message: string }) => ({ stdout: error.stdout || error.message }));
    expect(stdout).toBe('');
  });
});
