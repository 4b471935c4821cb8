/** Talking to the running API over real HTTP (fetch: undici with keep-alive), as the portal does. */
import { randomUUID } from 'node:crypto';
import type { Actor, ComplaintInput } from '../../domain/complaint.ts';
import { complaintDueAt } from '../../domain/complaint.ts';
import { toKstDateString } from '../../domain/business-calendar.ts';
import { loadBusinessCalendar } from '../../platform/holiday-calendar.ts';
import type { Db } from '../../platform/prisma.ts';
import { BENCH_PASSWORD } from './stack.ts';

export interface Filed {
  receiptNo: string;
  accessCode: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

export async function call(
  apiUrl: string,
  method: 'GET' | 'POST',
  url: string,
  options: { headers?: Record<string, string>; body?: unknown; expect?: number } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${apiUrl}${url}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  if (response.status !== (options.expect ?? 200))
    throw new HttpError(response.status, text, `${method} ${url}`);
  return { status: response.status, text, headers: response.headers };
}

const titles = ['민원실 응대 개선 요청', '세금 고지서 문의', '청사 주차장 이용 불편', '정보공개 청구'];

/** POST /api/complaints with an Idempotency-Key, as the portal's filing page sends it. */
export async function fileComplaint(apiUrl: string, categoryCode: string, index: number): Promise<Filed> {
  const { text } = await call(apiUrl, 'POST', '/api/complaints', {
    expect: 202,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      categoryCode,
      title: titles[index % titles.length],
      body: `벤치마크 민원 ${index}: 처리 부탁드립니다. (benchmark complaint ${index})`,
      citizen: { name: `시민${index}`, email: `citizen${index}@bench.example.com` },
    },
  });
  const filed = JSON.parse(text) as Filed & { stage: string };
  if (!filed.receiptNo || !filed.accessCode) throw new Error(`no receipt in ${text}`);
  return { receiptNo: filed.receiptNo, accessCode: filed.accessCode };
}

export interface Session {
  employeeNo: string;
  headers: Record<string, string>;
}

/** Signs in over HTTP; sends every cookie back and, when a `portal_csrf` cookie is set, the X-CSRF-Token. */
export async function login(apiUrl: string, employeeNo: string): Promise<Session> {
  const { headers } = await call(apiUrl, 'POST', '/api/auth/login', {
    body: { employeeNo, password: BENCH_PASSWORD },
  });
  const cookies = headers.getSetCookie().map((line) => line.split(';')[0]!);
  const csrf = cookies.find((c) => c.startsWith('portal_csrf='))?.slice('portal_csrf='.length);
  return {
    employeeNo,
    headers: { cookie: cookies.join('; '), ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}) },
  };
}

/** Signs in every member and team leader (the people who act on complaints). */
export async function loginActors(apiUrl: string, prisma: Db): Promise<Map<string, Session>> {
  const staff = await prisma.staff.findMany({
    where: { role: { in: ['STAFF', 'TEAM_LEADER'] } },
    select: { employeeNo: true },
  });
  const sessions = new Map<string, Session>();
  for (const { employeeNo } of staff) sessions.set(employeeNo, await login(apiUrl, employeeNo));
  return sessions;
}

/** The same actor the API builds from a session (api/routes/complaints.ts authoriseReader). */
export async function staffActor(prisma: Db, employeeNo: string): Promise<Actor> {
  const staff = await prisma.staff.findUniqueOrThrow({
    where: { employeeNo },
    include: { unit: { include: { parent: true } } },
  });
  return {
    kind: 'staff',
    employeeNo: staff.employeeNo,
    role: staff.role,
    unitCode: staff.unit.code,
    headquartersCode:
      staff.unit.kind === 'HEADQUARTERS' ? staff.unit.code : (staff.unit.parent?.code ?? null),
  };
}

export async function activeCategories(prisma: Db): Promise<string[]> {
  return (await prisma.complaintCategory.findMany({ where: { active: true }, orderBy: { code: 'asc' } })).map(
    (c) => c.code,
  );
}

/**
 * For the bare-Temporal baselines: complaint rows written beforehand (not timed) with the workflow input
 * the intake route would build, so the worker does the same work for a bare start as for an HTTP intake.
 */
export async function prepareBareComplaints(
  prisma: Db,
  categoryCodes: string[],
  count: number,
  offset: number,
): Promise<ComplaintInput[]> {
  const categories = await prisma.complaintCategory.findMany({
    where: { code: { in: categoryCodes } },
    include: { team: { include: { parent: true } } },
  });
  const byCode = new Map(categories.map((c) => [c.code, c]));
  const seqs = await prisma.$queryRaw<Array<{ seq: bigint }>>`
    SELECT nextval('complaint_receipt_seq') AS seq FROM generate_series(1, ${count}::int)`;
  const receivedAt = new Date();
  const year = toKstDateString(receivedAt).slice(0, 4);
  const calendar = await loadBusinessCalendar(prisma, receivedAt);
  const inputs: ComplaintInput[] = [];
  const rows = seqs.map(({ seq }, i) => {
    const category = byCode.get(categoryCodes[(offset + i) % categoryCodes.length]!)!;
    const dueAt = complaintDueAt(calendar, receivedAt, category.slaDays);
    const receiptNo = `MW-${year}-${seq.toString().padStart(7, '0')}`;
    inputs.push({
      receiptNo,
      categoryCode: category.code,
      teamCode: category.team.code,
      headquartersCode: category.team.parent?.code ?? null,
      slaDays: category.slaDays,
      skill: category.skill ?? undefined,
      receivedAt: receivedAt.toISOString(),
      dueAt: dueAt.toISOString(),
    });
    return {
      receiptNo,
      categoryCode: category.code,
      teamId: category.teamId,
      title: titles[i % titles.length]!,
      body: `벤치마크 민원 (bare start ${offset + i})`,
      citizenName: `시민${offset + i}`,
      citizenEmail: `bare${offset + i}@bench.example.com`,
      accessCodeHash: 'bench-bare-start',
      stage: 'received',
      receivedAt,
      dueAt: new Date(inputs.at(-1)!.dueAt),
    };
  });
  await prisma.complaint.createMany({ data: rows });
  return inputs;
}

/** Waits until none of the complaints is still without a handler (the worker has caught up). */
export async function waitAssigned(prisma: Db, receiptNos: string[], timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const waiting = await prisma.complaint.count({
      where: { receiptNo: { in: receiptNos }, OR: [{ handlerId: null }, { stage: 'received' }] },
    });
    if (waiting === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${waiting} of ${receiptNos.length} complaints were never assigned`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until at least `atLeast` mails went out and none is pending (the worker has finished a round). */
export async function waitMailsSent(prisma: Db, atLeast: number, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [sent, pending] = await Promise.all([
      prisma.emailOutbox.count({ where: { status: 'SENT' } }),
      prisma.emailOutbox.count({ where: { status: { not: 'SENT' } } }),
    ]);
    if (sent >= atLeast && pending === 0) return;
    if (Date.now() > deadline)
      throw new Error(`mail outbox: ${sent} sent of ${atLeast} expected, ${pending} pending`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
