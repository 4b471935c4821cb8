/**
 * Policy tasks (정책과제): types, stages, review chains, the action rules, timers and the traffic light,
 * in one module per concern (policy-task-*.ts). Pure and deterministic: the workflow, the activities and the
 * API all use these, so a rule lives once.
 */

export * from './policy-task-state.ts';
export * from './policy-task-checks.ts';
export * from './policy-task-apply.ts';
export * from './policy-task-alarms.ts';
export * from './policy-task-views.ts';
export * from './policy-task-customer-rating.ts';
