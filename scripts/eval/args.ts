/** Command line of scripts/eval.ts. */
import { parseArgs as parseNodeArgs } from 'node:util';

export const USAGE = `Usage:
  npx tsx scripts/eval.ts --data <collection> [options]
  npx tsx scripts/eval.ts --all <datasets-root> [options]

  --data <dir>           one collection: <identity>/<images> or <split>/<identity>/<images>
  --all <dir>            every collection under <dir>, each with its preset (see PRESETS in scripts/eval.ts)
  --enroll N             enrolment photos per person (default 3; presets may differ)
  --strangers F          share of people held out as strangers (default 0.2)
  --enroll-split S       enrol from this split (repeatable) ...
  --test-split S         ... and test on this one (repeatable); default: pool every split
  --stranger-folder S    loose folder of unlabelled photos to add as strangers (repeatable)
  --max-identities N     at most N people per collection, spread over the sorted names (default 40)
  --max-images N         at most N photos per person, spread over the sorted files (default 20)
  --augment              also train with augmented enrolment photos and report both
  --seed S               seed for the split (default 1)
  --json <file>          write the results as JSON
  --md <file>            write the results as a markdown table
  --no-cache             re-embed every image`;

export interface EvalArgs {
  data?: string;
  all?: string;
  enroll?: number;
  strangers: number;
  enrollSplit: string[];
  testSplit: string[];
  strangerFolder: string[];
  maxIdentities: number;
  maxImages: number;
  augment: boolean;
  seed: number;
  json?: string;
  md?: string;
  cache: boolean;
}

export type Parsed = { kind: 'ok'; args: EvalArgs } | { kind: 'help' } | { kind: 'error'; message: string };

function count(name: string, v: string | undefined, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}, not ${JSON.stringify(v)}.`);
  return n;
}

export function parseArgs(argv: string[]): Parsed {
  try {
    const { values } = parseNodeArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        all: { type: 'string' },
        enroll: { type: 'string' },
        strangers: { type: 'string' },
        'enroll-split': { type: 'string', multiple: true },
        'test-split': { type: 'string', multiple: true },
        'stranger-folder': { type: 'string', multiple: true },
        'max-identities': { type: 'string' },
        'max-images': { type: 'string' },
        augment: { type: 'boolean' },
        seed: { type: 'string' },
        json: { type: 'string' },
        md: { type: 'string' },
        'no-cache': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) return { kind: 'help' };
    if (!values.data === !values.all) return { kind: 'error', message: 'Give exactly one of --data and --all.' };
    const strangers = values.strangers === undefined ? 0.2 : Number(values.strangers);
    if (!(strangers >= 0 && strangers < 1)) return { kind: 'error', message: `--strangers must be at least 0 and below 1, not ${values.strangers}.` };
    const enrollSplit = values['enroll-split'] ?? [];
    const testSplit = values['test-split'] ?? [];
    if (!enrollSplit.length !== !testSplit.length) return { kind: 'error', message: 'Give --enroll-split and --test-split together.' };
    return {
      kind: 'ok',
      args: {
        data: values.data,
        all: values.all,
        enroll: values.enroll === undefined ? undefined : count('enroll', values.enroll, 3),
        strangers,
        enrollSplit,
        testSplit,
        strangerFolder: values['stranger-folder'] ?? [],
        maxIdentities: count('max-identities', values['max-identities'], 40),
        maxImages: count('max-images', values['max-images'], 20),
        augment: values.augment ?? false,
        seed: count('seed', values.seed, 1, 0),
        json: values.json,
        md: values.md,
        cache: !values['no-cache'],
      },
    };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
