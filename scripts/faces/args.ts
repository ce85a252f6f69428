/** Command-line parsing for scripts/faces.ts, kept free of I/O so it can be tested. */
import type { BackendName, DetectorKind } from '../../src/ml/types';

export type Command = 'detect' | 'embed';

export interface CliOptions {
  command: Command;
  inputs: string[];
  /** Unset means the pipeline's default detector. */
  detector?: DetectorKind;
  json: boolean;
  flip: boolean;
  backend: Extract<BackendName, 'wasm' | 'cpu'>;
}

export type ParseResult =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help' }
  | { kind: 'usage-error'; message: string };

const DETECTORS: readonly DetectorKind[] = ['mtcnn', 'ssd', 'tiny'];
const BACKENDS = ['wasm', 'cpu'] as const;

export const USAGE = `Usage:
  npm run faces -- detect <image|dir>... [--detector mtcnn|ssd|tiny] [--json]
  npm run faces -- embed  <image|dir>... [--detector mtcnn|ssd|tiny] [--json] [--no-flip]

Directories are searched recursively for .jpg/.jpeg/.png files. In a folder of
folders (PersonA/x.jpg, PersonB/y.jpg) each image is reported with its person,
the name of the folder it sits in.

Options:
  --detector <kind>   face detector (default: ssd)
  --json              print one JSON document instead of a table
  --no-flip           embed: do not average each descriptor with its mirror image's
  --backend wasm|cpu  tfjs backend (default: wasm)
  -h, --help          show this help

Exit status: 0 if at least one image was processed, 1 if every image failed, 2 on a usage error.`;

export function parseArgs(argv: readonly string[]): ParseResult {
  const args = [...argv];
  if (!args.length) return { kind: 'usage-error', message: 'No command given.' };
  if (args.some((a) => a === '-h' || a === '--help')) return { kind: 'help' };

  const command = args.shift()!;
  if (command !== 'detect' && command !== 'embed') {
    return { kind: 'usage-error', message: `Unknown command "${command}"; expected "detect" or "embed".` };
  }

  const options: CliOptions = { command, inputs: [], json: false, flip: true, backend: 'wasm' };
  let onlyInputs = false;
  while (args.length) {
    const arg = args.shift()!;
    if (onlyInputs || !arg.startsWith('-') || arg === '-') {
      options.inputs.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyInputs = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inlineValue = eq > 0 ? arg.slice(eq + 1) : undefined;
    const takeValue = (): string | undefined => inlineValue ?? args.shift();
    const noValue = (): ParseResult | null =>
      inlineValue === undefined ? null : { kind: 'usage-error', message: `${name} takes no value.` };

    switch (name) {
      case '--json': {
        const bad = noValue();
        if (bad) return bad;
        options.json = true;
        break;
      }
      case '--no-flip': {
        const bad = noValue();
        if (bad) return bad;
        options.flip = false;
        break;
      }
      case '--detector': {
        const value = takeValue();
        if (!value || !DETECTORS.includes(value as DetectorKind)) {
          return { kind: 'usage-error', message: `--detector needs one of ${DETECTORS.join(', ')}${value ? ` (got "${value}")` : ''}.` };
        }
        options.detector = value as DetectorKind;
        break;
      }
      case '--backend': {
        const value = takeValue();
        if (!value || !(BACKENDS as readonly string[]).includes(value)) {
          return { kind: 'usage-error', message: `--backend needs one of ${BACKENDS.join(', ')}${value ? ` (got "${value}")` : ''}.` };
        }
        options.backend = value as CliOptions['backend'];
        break;
      }
      default:
        return { kind: 'usage-error', message: `Unknown option "${arg}".` };
    }
  }
  if (!options.inputs.length) return { kind: 'usage-error', message: 'No image or directory given.' };
  if (!options.flip && options.command !== 'embed') {
    return { kind: 'usage-error', message: '--no-flip only applies to "embed".' };
  }
  return { kind: 'run', options };
}
