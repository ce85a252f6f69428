import { describe, expect, it } from 'vitest';
import { inviteAddress } from './invites';

describe('inviteAddress', () => {
  it('reads an e-mail address or a phone number in international form', () => {
    expect(inviteAddress(' new.teacher@school.org ')).toEqual({ email: 'new.teacher@school.org' });
    expect(inviteAddress('+44 7700 900123')).toEqual({ phone: '+447700900123' });
    expect(inviteAddress('07700 900123')).toHaveProperty('problem');
    expect(inviteAddress('teacher@')).toEqual({ problem: '"teacher@" is not an e-mail address.' });
    expect(inviteAddress('')).toHaveProperty('problem');
  });
});
