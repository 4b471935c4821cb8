import { describe, expect, it } from 'vitest';
import { competencyStandings, STANDING_MARGIN } from '../../domain/development.ts';

const items = [
  { code: 'CUSTOMER', nameKo: '고객 지향', nameEn: 'Customer focus' },
  { code: 'EXECUTION', nameKo: '업무 추진력', nameEn: 'Getting things done' },
  { code: 'COLLABORATION', nameKo: '협업', nameEn: 'Collaboration' },
  { code: 'INTEGRITY', nameKo: '청렴·공정', nameEn: 'Integrity' },
];

describe('strengths and gaps on the 360° items', () => {
  it('calls an item a strength or a gap at the margin from the ministry mean, gaps first', () => {
    const rows = competencyStandings(
      items,
      { CUSTOMER: 90, EXECUTION: 60.04, COLLABORATION: 74 },
      { CUSTOMER: 90 - STANDING_MARGIN, EXECUTION: 70, COLLABORATION: 70, INTEGRITY: 80 },
      {
        goals: [{ competencyCode: 'EXECUTION' }],
        activities: [
          { competencyCode: 'EXECUTION', plannedHours: 12, completedHours: 4 },
          { competencyCode: 'EXECUTION', plannedHours: 3, completedHours: null },
          { competencyCode: null, plannedHours: 8, completedHours: 8 },
        ],
      },
    );
    expect(rows.map((r) => [r.code, r.standing, r.difference])).toEqual([
      ['EXECUTION', 'GAP', -10],
      ['COLLABORATION', 'TYPICAL', 4],
      ['CUSTOMER', 'STRENGTH', 5],
      ['INTEGRITY', null, null],
    ]);
    expect(rows[0]).toMatchObject({ score: 60, hasGoal: true, plannedHours: 15, completedHours: 4 });
    expect(rows[2]).toMatchObject({ hasGoal: false, plannedHours: 0, completedHours: 0 });
    expect(rows[3]).toMatchObject({ score: null, ministryMean: 80 });
  });

  it('has no standing without a plan or a score, and ignores values that are not numbers', () => {
    const rows = competencyStandings(items.slice(0, 1), { CUSTOMER: Number.NaN }, { CUSTOMER: 70 }, null);
    expect(rows).toEqual([
      expect.objectContaining({ code: 'CUSTOMER', score: null, standing: null, hasGoal: false }),
    ]);
  });
});
