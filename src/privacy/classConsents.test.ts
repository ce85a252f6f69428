import { describe, expect, it } from 'vitest';
import { bulkConsentPlan } from './classConsents';

const student = (id: string, fullName: string, guardianName: string) => ({ id, fullName, guardianName });

describe('bulkConsentPlan', () => {
  const ticked = [student('a', 'Ana Lima', 'Rosa Lima'), student('b', 'Ben Ode', '  '), student('c', 'Cleo Ortiz', 'Luis Ortiz')];

  it('counts on the button only the students whose consent will be recorded, and names the rest before', () => {
    const plan = bulkConsentPlan(ticked, 'parent');
    expect(plan.recorded.map((r) => [r.student.id, r.givenByName])).toEqual([['a', 'Rosa Lima'], ['c', 'Luis Ortiz']]);
    expect(plan.skipped.map((s) => s.id)).toEqual(['b']);
    expect(plan.button).toBe('Record consent for 2 students');
    expect(plan.skippedNote).toBe('Ben Ode has no guardian’s name on the roster and will be skipped: record theirs on the student’s page.');
  });

  it('says one student, and nothing about skipping when every ticked student has a guardian named', () => {
    const plan = bulkConsentPlan([ticked[0]!], 'legal-guardian');
    expect(plan.button).toBe('Record consent for 1 student');
    expect(plan.skippedNote).toBe('');
  });

  it('a student of 18 or over consents in their own name', () => {
    const plan = bulkConsentPlan(ticked, 'self');
    expect(plan.recorded.map((r) => r.givenByName)).toEqual(['Ana Lima', 'Ben Ode', 'Cleo Ortiz']);
    expect(plan.skipped).toEqual([]);
  });

  it('names several skipped students together', () => {
    const plan = bulkConsentPlan([student('x', 'Xi Lu', ''), student('y', 'Yan Ko', '')], 'parent');
    expect(plan.button).toBe('Record consent for 0 students');
    expect(plan.skippedNote).toBe('Xi Lu and Yan Ko have no guardian’s name on the roster and will be skipped: record theirs on the student’s page.');
  });
});
