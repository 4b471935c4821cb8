export { complaintWorkflow } from './complaint.ts';
