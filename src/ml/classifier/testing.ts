/** Test helper shared by the classifier tests; not part of the app bundle. */
import { expect } from 'vitest';
import { ClassifierError } from './types';

/** The `code` a promise rejects with ('no error' when it resolves), asserting it is a ClassifierError. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ClassifierError);
    return (err as ClassifierError).code;
  }
  return 'no error';
}
