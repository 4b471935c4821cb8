export { complaintWorkflow } from './complaint.ts';
export { performanceWorkflow } from './performance.ts';
export { capabilityEvaluationWorkflow } from './capability-evaluation.ts';
export { policyTaskWorkflow } from './policy-task.ts';
export { retentionWorkflow } from './retention.ts';
export { taskCustomerNoticeWorkflow } from './task-customer-notice.ts';
export { calendarChangeWorkflow } from './calendar-change.ts';
export { bscCycleWorkflow } from './bsc-cycle.ts';
