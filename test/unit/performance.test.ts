import { describe, expect, it } from 'vitest';
import { renderMail } from '../../domain/mail-templates.ts';
import { InnovationStage, innovationTransitions, yearEndAt } from '../../domain/performance.ts';

describe('performance year', () => {
  it('ends at 31 December 24:00 Korea time, which is 15:00 UTC that day', () => {
    expect(yearEndAt(2026).toISOString()).toBe('2026-12-31T15:00:00.000Z');
    expect(yearEndAt(2030).toISOString()).toBe('2030-12-31T15:00:00.000Z');
  });
});

describe('innovation activity stages', () => {
  it('move only propose → review → adopt → implement → score, with reject after review', () => {
    const path: string[] = [InnovationStage.PROPOSED];
    for (const action of ['review', 'adopt', 'implement', 'score'] as const) {
      expect(innovationTransitions[action].from).toBe(path.at(-1));
      path.push(innovationTransitions[action].to);
    }
    expect(path).toEqual(['PROPOSED', 'REVIEWED', 'ADOPTED', 'IMPLEMENTED', 'SCORED']);
    expect(innovationTransitions.reject).toEqual({ from: 'REVIEWED', to: 'REJECTED' });
  });
});

const redWarning = {
  year: 2026,
  kpiCode: 'K-T11-SAT',
  kpiName: '민원 만족도',
  unitCode: 'T11',
  actual: 2.8333,
  target: 4.2,
  achievement: 67.46,
  scorecardUrl: '/performance/2026/scorecards/T11',
};

describe('performance mails', () => {
  it('a red-KPI warning names the KPI, the unit, the figures and the scorecard', () => {
    const mail = renderMail('kpi-red-warning', redWarning);
    expect(mail.subject).toContain('K-T11-SAT');
    expect(mail.text).toContain('67.5%');
    expect(mail.text).toContain('2.83 / 목표: 4.2');
    expect(mail.text).toContain('/performance/2026/scorecards/T11');
  });

  it('a repeat red-KPI warning says which time this year and when, so it never reads as the same mail twice', () => {
    const first = renderMail('kpi-red-warning', { ...redWarning, transition: 1, at: '2026-12-03T01:05:00Z' });
    const again = renderMail('kpi-red-warning', { ...redWarning, transition: 2, at: '2026-12-03T03:40:00Z' });
    expect(first.text).toContain('올해 1번째 적색 전환 (2026-12-03 10:05 KST)');
    expect(again.text).toContain('time 2 this year, at 2026-12-03 12:40 KST');
    expect(again.text).not.toBe(first.text);
  });

  it('a result mail states grade, score, rank and payout, and copes with a person without a grade', () => {
    const graded = renderMail('performance-result', {
      year: 2026,
      grade: 'S',
      finalScore: 97.125,
      rank: 1,
      groupSize: 12,
      payout: 6_900_000,
      resultsUrl: '/performance/2026/results',
    });
    expect(graded.text).toContain('등급: S');
    expect(graded.text).toContain('97.13');
    expect(graded.text).toContain('6,900,000원');
    const ungraded = renderMail('performance-result', {
      year: 2026,
      grade: null,
      finalScore: null,
      rank: null,
      groupSize: null,
      payout: null,
      resultsUrl: '/performance/2026/results',
    });
    expect(ungraded.text).toContain('등급: -');
  });
});
