import { open } from 'node:fs/promises';
import { z } from 'zod';
import { CliError, EXIT } from '../context';

/** A user's contact details for `onboarding start`, from flags or an input file. */
export interface ContactInput {
  email: string;
  countryCode: string;
  cellphone: string;
}

/** An input file is a small JSON object: anything bigger is a mistake (a wrong file, a pipe left open). */
const MAX_INPUT_BYTES = 16 * 1024;

const ContactFileSchema = z.strictObject({
  email: z.string().optional(),
  countryCode: z.union([z.string(), z.number().int()]).transform(String).optional(),
  cellphone: z.string().optional(),
});

const FIELDS = [
  ['email', '--email'],
  ['countryCode', '--country-code'],
  ['cellphone', '--cellphone'],
] as const;

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    chunks.push(chunk);
    if (size > MAX_INPUT_BYTES) break;
  }
  return Buffer.concat(chunks);
}

/** At most one byte over the limit, so a huge file (or /dev/zero) is refused without reading it all. */
async function readFileBounded(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_INPUT_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length);
      length += bytesRead;
      if (bytesRead === 0 || length === buffer.length) return buffer.subarray(0, length);
    }
  } finally {
    await file.close();
  }
}

async function readInput(path: string): Promise<Buffer> {
  try {
    return path === '-' ? await readStdin() : await readFileBounded(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot read --input-file ${path}: ${reason}`, EXIT.usage);
  }
}

/**
 * Parses an input file's JSON `{ email?, countryCode?, cellphone? }`. Error messages name the file
 * and the field, never the values (they are personal data).
 */
export function parseContactFile(text: string, path: string): Partial<ContactInput> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(
      `--input-file ${path} is not JSON: expected {"email": "…", "countryCode": "1", "cellphone": "…"}`,
      EXIT.usage,
    );
  }
  const parsed = ContactFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new CliError(`--input-file ${path}: ${problems.join('; ')}`, EXIT.usage);
  }
  return Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
}

/**
 * The contact details from `--input-file` (a path, or `-` for stdin) and the flags. A field comes
 * from exactly one of them: both, or neither, is a usage error naming the field. The file exists
 * because argv is visible to every local user (`ps`, /proc/PID/cmdline) and lands in shell history.
 */
export async function resolveContact(
  flags: Partial<ContactInput>,
  inputFile: string | undefined,
): Promise<ContactInput> {
  let fromFile: Partial<ContactInput> = {};
  if (inputFile !== undefined) {
    const bytes = await readInput(inputFile);
    if (bytes.length > MAX_INPUT_BYTES)
      throw new CliError(`--input-file ${inputFile} is over ${MAX_INPUT_BYTES} bytes`, EXIT.usage);
    fromFile = parseContactFile(bytes.toString('utf8'), inputFile);
  }
  const contact: Partial<ContactInput> = {};
  for (const [field, flag] of FIELDS) {
    const flagValue = flags[field];
    const fileValue = fromFile[field];
    if (flagValue !== undefined && fileValue !== undefined)
      throw new CliError(`${flag} is given twice: as a flag and in --input-file; keep one`, EXIT.usage);
    const value = flagValue ?? fileValue;
    if (value === undefined)
      throw new CliError(
        `missing ${flag}: give it as a flag or as "${field}" in --input-file (a path, or - for stdin)`,
        EXIT.usage,
      );
    contact[field] = value;
  }
  return contact as ContactInput;
}
