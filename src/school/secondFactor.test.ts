import { describe, expect, it } from 'vitest';
import { groupedKey, secondStep } from './secondFactor';

describe('secondStep', () => {
  it('asks an admin for a code, or to set a factor up first, until the session is aal2', () => {
    expect(secondStep(['admin'], 'aal1', true)).toBe('code');
    expect(secondStep(['teacher', 'admin'], 'aal1', false)).toBe('setup');
    expect(secondStep(['admin'], 'aal2', true)).toBe('none');
  });

  it('asks nothing of teachers, students and parents', () => {
    expect(secondStep(['teacher'], 'aal1', false)).toBe('none');
    expect(secondStep(['parent', 'student'], 'aal1', true)).toBe('none');
    expect(secondStep([], 'aal1', false)).toBe('none');
  });
});

describe('groupedKey', () => {
  it('shows a setup key in groups of four', () => {
    expect(groupedKey('TNBAURRKPMX56UM36DZM')).toBe('TNBA URRK PMX5 6UM3 6DZM');
    expect(groupedKey('ABCDE')).toBe('ABCD E');
  });
});
