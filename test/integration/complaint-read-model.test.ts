import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createComplaintActivities } from '../../activities/complaint.ts';
import { createPrisma, type Db } from '../../platform/prisma.ts';

let prisma: Db;
beforeAll(() => {
  prisma = createPrisma(inject('databaseUrl'), 2);
});
afterAll(async () => {
  await prisma?.$disconnect();
});

describe('complaint read model', () => {
  it('keeps the newest stage when an older event is written after a newer one (a retried activity)', async () => {
    const receiptNo = `MW-2099-${String(Date.now() % 1e7).padStart(7, '0')}`;
    const team = await prisma.orgUnit.findUniqueOrThrow({ where: { code: 'T11' } });
    await prisma.complaint.create({
      data: {
        receiptNo,
        categoryCode: 'Q-GENERAL',
        teamId: team.id,
        title: '순서 확인',
        body: '이벤트 순서가 바뀌어도 최신 단계가 유지되는지 확인합니다.',
        citizenName: '테스트',
        citizenEmail: 'order@example.com',
        accessCodeHash: 'x',
        stage: 'in_review',
        dueAt: new Date(),
      },
    });
    const { recordComplaintEvent } = createComplaintActivities({ prisma });
    const at = new Date().toISOString();
    await recordComplaintEvent({
      receiptNo,
      eventKey: '7:closed',
      at,
      type: 'closed',
      stage: 'closed',
      actor: 'system',
      patch: { closedAt: at, pendingStep: null },
    });
    await recordComplaintEvent({
      receiptNo,
      eventKey: '5:answer-approved',
      at,
      type: 'answer-approved',
      stage: 'awaiting_rating',
      actor: 'E1100 (TEAM_LEADER)',
      patch: { answer: '승인된 답변', answeredAt: at, pendingStep: null },
    });
    await recordComplaintEvent({
      receiptNo,
      eventKey: '7:closed',
      at,
      type: 'closed',
      stage: 'closed',
      actor: 'system',
    });

    const row = await prisma.complaint.findUniqueOrThrow({ where: { receiptNo }, include: { events: true } });
    expect(row.stage).toBe('closed');
    expect(row.answer).toBe('승인된 답변');
    expect(row.closedAt).not.toBeNull();
    expect(row.events.map((e) => e.eventKey).sort()).toEqual(['5:answer-approved', '7:closed']);
  });
});
