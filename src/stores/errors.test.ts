import { describe, expect, it } from 'vitest';
import { describeError } from './errors';

describe('describeError', () => {
  it('says a full disk lost nothing saved before, and passes other messages through', () => {
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(describeError(quota)).toMatch(/out of storage.*safe/);
    expect(describeError({ name: 'AbortError', inner: quota })).toMatch(/out of storage/);
    expect(describeError(new Error('Roll number 7 is taken.'))).toBe('Roll number 7 is taken.');
    expect(describeError('plain')).toBe('plain');
  });
});
