import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Comments and docs cite docs/*.md sections by anchor (`docs/authy-api.md#17-onetouch-callback-signature`,
// `[contract.md §5](contract.md#5-webhook-gateway)`). A renamed heading silently breaks such a citation;
// this keeps every one of them pointing at a heading that exists.

const repo = path.resolve(__dirname, '..', '..');
const CODE = /\.(ts|js|mjs|sh|sql)$/;

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : filesUnder(full, keep);
    return keep(full) ? [full] : [];
  });
}

/** GitHub's heading anchor: lower case, punctuation dropped (letters, digits, `_`, `-` kept), spaces → `-`. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a Markdown file offers: one per heading, outside code fences; repeats get `-1`, `-2`. */
function anchorsOf(markdownFile: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of readFileSync(markdownFile, 'utf8').split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = !inFence && /^#{1,6} (.+)$/.exec(line);
    if (!heading) continue;
    const slug = headingSlug(heading[1]!);
    let unique = slug;
    for (let n = 1; anchors.has(unique); n += 1) unique = `${slug}-${n}`;
    anchors.add(unique);
  }
  return anchors;
}

interface Citation {
  from: string;
  target: string;
  anchor: string;
}

/** What `cite` finds on each line of `file`, each citation with the file:line it stands on. */
function citationsIn(file: string, cite: (line: string) => Omit<Citation, 'from'>[]): Citation[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, index) => {
      const from = `${path.relative(repo, file)}:${index + 1}`;
      return cite(line).map((citation) => ({ from, ...citation }));
    });
}

/** Anchored `docs/<file>.md` citations in code, and the further `, #…` / ` and #…` anchors after one on its line. */
function codeCitations(file: string): Citation[] {
  return citationsIn(file, (line) =>
    [...line.matchAll(/docs\/([\w-]+\.md)#([\w-]+)((?:(?:,| and) #[\w-]+)*)/g)].flatMap((m) => {
      const target = path.join(repo, 'docs', m[1]!);
      const more = [...m[3]!.matchAll(/#([\w-]+)/g)].map((anchor) => anchor[1]!);
      return [m[2]!, ...more].map((anchor) => ({ target, anchor }));
    }),
  );
}

/** Markdown links with an anchor: `](other.md#a)`, `](#a)`, relative to the linking file. */
function markdownCitations(file: string): Citation[] {
  return citationsIn(file, (line) =>
    [...line.matchAll(/\]\(([\w./-]*\.md|)#([^)\s]+)\)/g)].map((m) => ({
      target: m[1] ? path.resolve(path.dirname(file), m[1]) : file,
      anchor: m[2]!,
    })),
  );
}

describe('citations of docs sections', () => {
  const code = ['src', 'test', 'scripts', 'bench'].flatMap((dir) =>
    filesUnder(path.join(repo, dir), (file) => CODE.test(file)),
  );
  const markdown = [
    path.join(repo, 'README.md'),
    ...filesUnder(path.join(repo, 'docs'), (f) => f.endsWith('.md')),
  ];
  const citations = [...code.flatMap(codeCitations), ...markdown.flatMap(markdownCitations)];

  it('when a heading is turned into an anchor, then it follows GitHub (punctuation dropped, spaces to hyphens)', () => {
    expect(headingSlug('1.7 OneTouch callback signature')).toBe('17-onetouch-callback-signature');
    expect(headingSlug('4b. Tables')).toBe('4b-tables');
    expect(headingSlug('Control API (`/_emulator/*`, never part of the real API)')).toBe(
      'control-api-_emulator-never-part-of-the-real-api',
    );
    expect(headingSlug("UNCONFIRMED in Twilio's docs, and what the emulator chose")).toBe(
      'unconfirmed-in-twilios-docs-and-what-the-emulator-chose',
    );
  });

  it('when code or docs cite a docs section by anchor, then that document has that heading', () => {
    expect(citations.length).toBeGreaterThan(100);
    const anchors = new Map<string, Set<string>>();
    const broken = citations.filter(({ target, anchor }) => {
      if (!anchors.has(target)) {
        let offered = new Set<string>();
        try {
          offered = anchorsOf(target);
        } catch {
          // A missing document offers no anchor: every citation of it is broken.
        }
        anchors.set(target, offered);
      }
      return !anchors.get(target)!.has(anchor);
    });
    expect(
      broken.map(({ from, target, anchor }) => `${from} → ${path.relative(repo, target)}#${anchor}`),
    ).toEqual([]);
  });
});

describe('the repository stands alone', () => {
  it('when code or docs cite a source, then it is inside the repository or a public URL (no CONTRACT.md, no "reference N.N", no files outside it)', () => {
    const files = [
      ...['src', 'test', 'scripts', 'bench'].flatMap((dir) =>
        filesUnder(
          path.join(repo, dir),
          (file) => CODE.test(file) && !file.endsWith('doc-links.unit.test.ts'),
        ),
      ),
      path.join(repo, 'README.md'),
      ...filesUnder(path.join(repo, 'docs'), (f) => f.endsWith('.md')),
    ];
    const outside = /CONTRACT\.md|STYLE\.md|\breference [0-9]|shared\/(reference|reviews|fixtures|hooks)\//;
    const offending = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (outside.test(line) ? [`${path.relative(repo, file)}:${index + 1}`] : [])),
    );
    expect(offending).toEqual([]);
  });
});
