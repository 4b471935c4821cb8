import { defineQuery } from '@temporalio/workflow';
import type { ComplaintState } from './complaint.ts';

/** Every signal, query and update of the complaint workflow, declared once for workflow and API. */
export const complaintStateQuery = defineQuery<ComplaintState>('complaintState');
