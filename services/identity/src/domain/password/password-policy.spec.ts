import { passwordProblem, PASSWORD_MIN_LENGTH } from './password-policy';

describe('password policy', () => {
  it.each([
    ['correct-battery-staple-tree'],
    ['Kettle Umbrella Magpie'],
    ['vq8#Lm2!zR4pXw'],
    ['grüne tasse ziegel'],
  ])('accepts %j', (password) => {
    expect(passwordProblem(password, { email: 'jane.smith@nhs.net' })).toBeUndefined();
  });

  it('states its minimum length and refuses anything shorter', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(12);
    expect(passwordProblem('a7#kQ9!mZ2x')).toMatch(/at least 12/);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblem('😀'.repeat(6))).toMatch(/at least 12/);
  });

  it.each([
    ['password1234'],
    ['Password2024!'],
    ['P@ssw0rd2025!!'],
    ['Manchester1234'],
    ['!!Liverpool99!!'],
    ['correcthorsebatterystaple'],
    ['qwertyuiop123'],
    ['123456789012'],
    ['Welcome12345'],
    ['nhsnet123456'],
  ])('refuses the common password %j', (password) => {
    expect(passwordProblem(password)).toMatch(/common|pattern/);
  });

  it.each([
    ['aaaaaaaaaaaa'],
    ['abcdefghijklm'],
    ['987654321098'],
    ['abcabcabcabc'],
    ["asdfghjkl;'#"],
  ])('refuses the pattern %j', (password) => {
    expect(passwordProblem(password)).toMatch(/pattern|common/);
  });

  it("refuses the account's own name", () => {
    expect(passwordProblem('Kettle Smith Magpie', { email: 'jane.smith@nhs.net' })).toMatch(/name/);
  });

  it('refuses over-long passwords', () => {
    expect(passwordProblem('x7'.repeat(65))).toMatch(/at most/);
  });
});
