import { Type, type Static } from 'typebox';

/**
 * A policy task (정책과제) as the API answers it (`GET /api/tasks/:id`, every action's answer) and as the
 * task list shows it (`GET /api/tasks`); the portal types itself from these (`import type` only).
 */

const IsoTime = Type.String({ format: 'date-time' });
export const NullableTime = Type.Union([IsoTime, Type.Null()]);
export const Light = Type.Union([Type.Literal('GREEN'), Type.Literal('YELLOW'), Type.Literal('RED')]);

const PendingStep = Type.Union([
  Type.Object({ step: Type.String(), assigneeNo: Type.String(), dueAt: NullableTime }),
  Type.Null(),
]);

const Person = Type.Object({ employeeNo: Type.String(), name: Type.String(), nameEn: Type.String() });

const TrailEntry = Type.Object({
  at: IsoTime,
  phase: Type.String(),
  round: Type.Integer(),
  step: Type.String(),
  reviewer: Person,
  role: Type.String(),
  decision: Type.String(),
  opinion: Type.String(),
  score: Type.Union([Type.Number(), Type.Null()]),
});

export const TaskView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  purpose: Type.String(),
  taskType: Type.String(),
  stage: Type.String(),
  light: Light,
  focus: Type.Boolean(),
  focusReportDueAt: NullableTime,
  progress: Type.Number(),
  planVersion: Type.Integer(),
  overdue: Type.Boolean(),
  team: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() }),
  owner: Person,
  kpiCode: Type.Union([Type.String(), Type.Null()]),
  outcomeMeasure: Type.Union([Type.String(), Type.Null()]),
  outcomeTarget: Type.Union([Type.Number(), Type.Null()]),
  actualValue: Type.Union([Type.Number(), Type.Null()]),
  qualityScore: Type.Union([Type.Number(), Type.Null()]),
  completionSummary: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoTime,
  startedAt: NullableTime,
  doneAt: NullableTime,
  lastActivityAt: IsoTime,
  pendingStep: PendingStep,
  reviewChain: Type.Array(
    Type.Object({ step: Type.String(), role: Type.String(), employeeNo: Type.String() }),
  ),
  milestones: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      title: Type.String(),
      dueAt: IsoTime,
      weight: Type.Number(),
      completedAt: NullableTime,
      evidence: Type.Union([Type.String(), Type.Null()]),
      escalation: Type.Integer(),
    }),
  ),
  trail: Type.Array(TrailEntry),
  reports: Type.Array(
    Type.Object({
      at: IsoTime,
      kind: Type.String(),
      authorNo: Type.String(),
      text: Type.String(),
      progress: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
  timeline: Type.Array(
    Type.Object({ at: IsoTime, type: Type.String(), actor: Type.String(), detail: Type.Unknown() }),
  ),
});

export const TaskListItem = Type.Object({
  id: Type.String(),
  title: Type.String(),
  stage: Type.String(),
  team: Type.String(),
  ownerNo: Type.String(),
  step: Type.Union([Type.String(), Type.Null()]),
  assigneeNo: Type.Union([Type.String(), Type.Null()]),
  dueAt: NullableTime,
  light: Light,
  overdue: Type.Boolean(),
  focus: Type.Boolean(),
  progress: Type.Number(),
});

export type TaskView = Static<typeof TaskView>;
export type TaskListItem = Static<typeof TaskListItem>;
