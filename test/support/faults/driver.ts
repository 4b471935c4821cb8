/**
 * Drives complaints through their lifecycle over real HTTP, the way a client that survives faults does:
 * intake with an Idempotency-Key, retries on 5xx, connection errors and timeouts (the same request, the
 * same key), and staff actions chosen from the complaint's current stage so that a retried action whose
 * first attempt went through is recognised (409) instead of applied twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../../platform/prisma.ts';
import { DEMO_PASSWORD } from '../constants.ts';

export interface HttpStats {
  requests: number;
  retries: number;
  byBaseUrl: Record<string, number>;
  byStatus: Record<string, number>;
  /** Statuses of 5xx answers seen (retried), with their error codes. */
  serverErrors: Record<string, number>;
}

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export class RetryingHttp {
  readonly stats: HttpStats = { requests: 0, retries: 0, byBaseUrl: {}, byStatus: {}, serverErrors: {} };
  private next = 0;

  constructor(
    private readonly baseUrls: string[],
    private readonly options: { timeoutMs?: number; giveUpAfterMs?: number } = {},
  ) {}

  /** Round robin over the API instances; a retry goes to the next one. */
  private pick(): string {
    const baseUrl = this.baseUrls[this.next % this.baseUrls.length]!;
    this.next += 1;
    return baseUrl;
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    init: { headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<HttpAnswer> {
    const deadline = Date.now() + (this.options.giveUpAfterMs ?? 300_000);
    let delay = 200;
    for (let attempt = 0; ; attempt += 1) {
      const baseUrl = this.pick();
      this.stats.requests += 1;
      this.stats.byBaseUrl[baseUrl] = (this.stats.byBaseUrl[baseUrl] ?? 0) + 1;
      if (attempt > 0) this.stats.retries += 1;
      let failure: string;
      try {
        const response = await fetch(baseUrl + path, {
          method,
          headers: {
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...init.headers,
          },
          body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        });
        const text = await response.text();
        const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
        this.stats.byStatus[response.status] = (this.stats.byStatus[response.status] ?? 0) + 1;
        if (response.status < 500) return { status: response.status, body, headers: response.headers };
        const code = (body.error as { code?: string } | undefined)?.code ?? 'none';
        failure = `${response.status} ${code}`;
      } catch (error) {
        failure = error instanceof Error ? error.name : 'error';
      }
      this.stats.serverErrors[failure] = (this.stats.serverErrors[failure] ?? 0) + 1;
      if (Date.now() > deadline) throw new Error(`${method} ${path} kept failing (${failure})`);
      await sleep(delay);
      delay = Math.min(delay * 2, 3000);
    }
  }
}

/** What the driver does with a complaint: the whole lifecycle, or leave it where its timers must act. */
export type Plan = 'close' | 'leave-overdue' | 'leave-unrated';

export interface FiledComplaint {
  index: number;
  idempotencyKey: string;
  receiptNo: string;
  accessCode: string;
  plan: Plan;
}

export const planFor = (index: number): Plan =>
  index % 10 === 3 ? 'leave-overdue' : index % 10 === 7 ? 'leave-unrated' : 'close';

export interface Driver {
  http: RetryingHttp;
  fileComplaint(index: number): Promise<FiledComplaint>;
  drive(complaint: FiledComplaint, deadlineMs?: number): Promise<void>;
  /** Files and drives `count` complaints with `lanes` of them in flight at a time. */
  run(count: number, lanes: number): Promise<FiledComplaint[]>;
  /** Unexpected answers (4xx other than the 409 of an already-applied retry). */
  problems: string[];
  /** Complaints filed so far by `run`. */
  filedCount(): number;
}

export async function createDriver(options: {
  baseUrls: string[];
  prisma: Db;
  runId: string;
  categories?: string[];
  timeoutMs?: number;
  /** Which complaints are left to their timers; by default one in ten overdue and one in ten unrated. */
  plans?: (index: number) => { plan: Plan };
}): Promise<Driver> {
  const plan = (index: number) => options.plans?.(index).plan ?? planFor(index);
  const http = new RetryingHttp(options.baseUrls, { timeoutMs: options.timeoutMs });
  const problems: string[] = [];
  const categories =
    options.categories ??
    (
      await options.prisma.complaintCategory.findMany({ where: { active: true }, orderBy: { code: 'asc' } })
    ).map((c) => c.code);
  const leaders = new Map(
    (await options.prisma.staff.findMany({ where: { role: 'TEAM_LEADER' }, include: { unit: true } })).map(
      (s) => [s.unit.code, s.employeeNo],
    ),
  );
  /** Signed-in staff: the session cookie, and the CSRF token that state-changing calls echo. */
  const sessions = new Map<string, Promise<Record<string, string>>>();
  const sessionHeaders = (employeeNo: string) => {
    let headers = sessions.get(employeeNo);
    if (!headers) {
      headers = http
        .request('POST', '/api/auth/login', { body: { employeeNo, password: DEMO_PASSWORD } })
        .then((answer) => {
          if (answer.status !== 200) throw new Error(`login ${employeeNo}: ${answer.status}`);
          const cookies = answer.headers.getSetCookie().map((c) => c.split(';')[0]!);
          const csrf = cookies.find((c) => c.startsWith('portal_csrf='))?.slice('portal_csrf='.length);
          if (!cookies.some((c) => c.startsWith('portal_session=')))
            throw new Error(`login ${employeeNo}: no session`);
          return { cookie: cookies.join('; '), ...(csrf ? { 'x-csrf-token': csrf } : {}) };
        });
      sessions.set(employeeNo, headers);
    }
    return headers;
  };

  async function fileComplaint(index: number): Promise<FiledComplaint> {
    const idempotencyKey = `${options.runId}-${String(index).padStart(5, '0')}`;
    const answer = await http.request('POST', '/api/complaints', {
      headers: { 'idempotency-key': idempotencyKey },
      body: {
        categoryCode: categories[index % categories.length],
        title: `장애 시험 민원 ${index}`,
        body: `장애 상황에서도 처리되는지 확인하는 민원입니다 (#${index}).`,
        citizen: { name: `시민${index}`, email: `citizen${index}@${options.runId}.faults.example.com` },
      },
    });
    if (answer.status !== 202)
      throw new Error(`intake ${index}: ${answer.status} ${JSON.stringify(answer.body)}`);
    const body = answer.body as { receiptNo: string; accessCode: string };
    return {
      index,
      idempotencyKey,
      receiptNo: body.receiptNo,
      accessCode: body.accessCode,
      plan: plan(index),
    };
  }

  async function act(complaint: FiledComplaint, employeeNo: string, action: string, body: object) {
    const answer = await http.request('POST', `/api/complaints/${complaint.receiptNo}/actions/${action}`, {
      headers: await sessionHeaders(employeeNo),
      body,
    });
    if (answer.status !== 200 && answer.status !== 409) {
      problems.push(`${complaint.receiptNo} ${action}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }

  async function drive(complaint: FiledComplaint, deadlineMs = 600_000) {
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline) {
      const view = await http.request('GET', `/api/complaints/${complaint.receiptNo}`, {
        headers: { 'x-access-code': complaint.accessCode },
      });
      if (view.status !== 200) throw new Error(`read ${complaint.receiptNo}: ${view.status}`);
      const { stage, handler, team } = view.body as {
        stage: string;
        handler: { employeeNo: string } | null;
        team: { code: string };
      };
      switch (stage) {
        case 'received':
          await sleep(300);
          break;
        case 'assigned':
          await act(complaint, handler!.employeeNo, 'accept', {});
          break;
        case 'in_progress':
          if (complaint.plan === 'leave-overdue') return;
          await act(complaint, handler!.employeeNo, 'draft-answer', {
            answer: `검토 결과를 안내드립니다. 민원 ${complaint.index}번은 처리되었습니다.`,
          });
          break;
        case 'in_review':
          await act(complaint, leaders.get(team.code)!, 'review', { decision: 'approve', opinion: '' });
          break;
        case 'awaiting_rating': {
          if (complaint.plan === 'leave-unrated') return;
          const rated = await http.request('POST', `/api/complaints/${complaint.receiptNo}/rating`, {
            headers: { 'x-access-code': complaint.accessCode },
            body: { score: 4 + (complaint.index % 2), comment: '빠른 답변 감사합니다' },
          });
          if (rated.status !== 200 && rated.status !== 409) {
            problems.push(`${complaint.receiptNo} rating: ${rated.status} ${JSON.stringify(rated.body)}`);
          }
          break;
        }
        case 'closed':
          return;
        default:
          throw new Error(`${complaint.receiptNo} in unexpected stage ${stage}`);
      }
    }
    throw new Error(`${complaint.receiptNo} was not driven to its goal in time`);
  }

  let filedSoFar = 0;
  async function run(count: number, lanes: number) {
    const filed: FiledComplaint[] = [];
    let nextIndex = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (nextIndex < count) {
          const index = nextIndex;
          nextIndex += 1;
          const complaint = await fileComplaint(index);
          filed.push(complaint);
          filedSoFar += 1;
          await drive(complaint);
        }
      }),
    );
    return filed.sort((a, b) => a.index - b.index);
  }

  return { http, fileComplaint, drive, run, problems, filedCount: () => filedSoFar };
}
