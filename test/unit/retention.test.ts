import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactPersonalData } from '../../domain/retention.ts';

const citizen = { name: '홍길동', email: 'gildong.hong@example.com' };

describe('personal data taken out of kept text after the retention period', () => {
  it("removes the citizen's name and e-mail and keeps the rest of the answer", () => {
    const answer =
      '홍길동님, 문의하신 등본은 정부24에서 발급됩니다. 회신은 gildong.hong@example.com 으로 드렸습니다.';
    const redacted = redactPersonalData(answer, citizen);
    expect(redacted).not.toContain('홍길동');
    expect(redacted).not.toContain('gildong.hong@example.com');
    expect(redacted).toContain('정부24에서 발급됩니다');
    expect(redacted.startsWith(`${REDACTED}님`)).toBe(true);
  });

  it.each([
    ['mobile number', '010-1234-5678로 연락 주세요', '010-1234-5678'],
    ['mobile number without dashes', '01012345678로 연락 주세요', '01012345678'],
    ['Seoul landline', '02-123-4567 민원실', '02-123-4567'],
    ['resident registration number', '주민번호 900101-1234567 확인', '900101-1234567'],
    ['another e-mail address', '대리인 agent@example.org 에게도', 'agent@example.org'],
  ])('removes a %s', (_kind, text, secret) => {
    expect(redactPersonalData(text, citizen)).not.toContain(secret);
  });

  it('leaves receipt numbers, dates and amounts alone', () => {
    const text = '접수번호 MW-2026-0000123, 2026-11-27 처리, 수수료 1,000원';
    expect(redactPersonalData(text, citizen)).toBe(text);
  });

  it('never leaves the name or e-mail in any text, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        const text = `${before}${citizen.name}${after}${citizen.email}${before}`;
        const once = redactPersonalData(text, citizen);
        expect(once).not.toContain(citizen.name);
        expect(once).not.toContain(citizen.email);
        expect(redactPersonalData(once, citizen)).toBe(once);
      }),
    );
  });
});
