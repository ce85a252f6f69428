import { describe, it, expect } from 'vitest';
import { parseArgs } from './args';

describe('parseArgs', () => {
  it('reads a detect command with files, detector and --json in any order', () => {
    const r = parseArgs(['detect', 'a.jpg', '--detector', 'tiny', 'dir', '--json']);
    expect(r).toEqual({
      kind: 'run',
      options: { command: 'detect', inputs: ['a.jpg', 'dir'], detector: 'tiny', json: true, flip: true, backend: 'wasm' },
    });
  });

  it('accepts --detector=value and leaves the detector unset when not given', () => {
    const a = parseArgs(['embed', 'x', '--detector=mtcnn']);
    expect(a.kind === 'run' && a.options.detector).toBe('mtcnn');
    const b = parseArgs(['embed', 'x']);
    expect(b.kind === 'run' && b.options.detector).toBeUndefined();
  });

  it('turns flip off for embed with --no-flip, and refuses it for detect', () => {
    const r = parseArgs(['embed', 'x', '--no-flip']);
    expect(r.kind === 'run' && r.options.flip).toBe(false);
    expect(parseArgs(['detect', 'x', '--no-flip']).kind).toBe('usage-error');
  });

  it('treats everything after -- as an input, even if it looks like an option', () => {
    const r = parseArgs(['detect', '--', '--json']);
    expect(r.kind === 'run' && r.options.inputs).toEqual(['--json']);
    expect(r.kind === 'run' && r.options.json).toBe(false);
  });

  it.each([
    [[]],
    [['recognise', 'a.jpg']],
    [['detect']],
    [['detect', 'a.jpg', '--detector']],
    [['detect', 'a.jpg', '--detector', 'yolo']],
    [['detect', 'a.jpg', '--backend', 'webgl']],
    [['detect', 'a.jpg', '--verbose']],
    [['detect', 'a.jpg', '--json=yes']],
  ])('reports a usage error for %j', (argv) => {
    const r = parseArgs(argv);
    expect(r.kind).toBe('usage-error');
    expect(r.kind === 'usage-error' && r.message.length).toBeGreaterThan(0);
  });

  it('answers help wherever -h or --help appears', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['detect', 'a.jpg', '-h'])).toEqual({ kind: 'help' });
  });
});
