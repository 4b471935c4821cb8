import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetentionActivities } from '../../activities/retention.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login } from '../support/session.ts';
import type { ComplaintAttachment as AttachmentView } from '../../web/src/types.ts';
import { multipartBody, pdfDocument, pngPicture, type TestFile } from '../support/multipart.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const run = randomUUID().slice(0, 8);
const internalMarker = `INTERNAL-FILE-${run}`;

const filing = (email: string) => ({
  categoryCode: 'S-REPORT',
  title: '인도 파손 사진 첨부',
  body: `보도블록이 깨져 있습니다. 사진을 첨부합니다. (${run})`,
  citizen: { name: '김첨부', email },
});

async function fileWith(files: readonly TestFile[], email = `attach.${run}@example.com`) {
  const body = await multipartBody(filing(email), files);
  return stack.app.inject({ method: 'POST', url: '/api/complaints', ...body });
}

async function waitForHandler(receiptNo: string) {
  return waitFor(async () => {
    const row = await stack.prisma.complaint.findUnique({ where: { receiptNo }, include: { handler: true } });
    return row?.stage === 'assigned' && row.handler?.employeeNo;
  }, 30_000);
}

const counts = async () => ({
  complaints: await stack.prisma.complaint.count(),
  attachments: await stack.prisma.complaintAttachment.count(),
  storedFiles: await stack.prisma.storedFile.count(),
});

const view = async (receiptNo: string, headers: Record<string, string>) => {
  const response = await stack.app.inject({ method: 'GET', url: `/api/complaints/${receiptNo}`, headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ attachments: AttachmentView[]; messages: { id: string; kind: string }[] }>();
};

const download = (receiptNo: string, id: string, headers: Record<string, string>, suffix = '') =>
  stack.app.inject({
    method: 'GET',
    url: `/api/complaints/${receiptNo}/attachments/${id}${suffix}`,
    headers,
  });

describe('attachments: filing, case file, downloads and refusals', () => {
  let photo: Buffer;
  let filed: { receiptNo: string; accessCode: string };
  let handlerNo: string;
  const photoName = `현장 사진 ${run}.png`;
  const memo = Buffer.from(`메모: 파손 위치는 정문 앞입니다 ${run}\n`);

  beforeAll(async () => {
    photo = await pngPicture(Number.parseInt(run.slice(0, 6), 16));
    const response = await fileWith([
      { name: photoName, bytes: photo, type: 'image/png' },
      { name: '메모.txt', bytes: memo, type: 'text/plain' },
    ]);
    expect(response.statusCode, response.body).toBe(202);
    filed = response.json();
    handlerNo = await waitForHandler(filed.receiptNo);
  }, 60_000);

  it('keeps the JSON filing contract: a complaint without files is filed as before and has none', async () => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/api/complaints',
      payload: filing(`json.${run}@example.com`),
    });
    expect(response.statusCode, response.body).toBe(202);
    const { receiptNo } = response.json<{ receiptNo: string }>();
    expect(await stack.prisma.complaintAttachment.count({ where: { receiptNo } })).toBe(0);
  });

  it('shows the handler the filed files with a thumbnail and serves the same bytes with the Korean name, nosniff and the detected type', async () => {
    const staff = await login(stack.app, handlerNo);
    const { attachments } = await view(filed.receiptNo, staff);
    expect(attachments.map((a) => [a.fileName, a.contentType, a.size, a.messageId, a.hasThumbnail])).toEqual([
      [photoName, 'image/png', photo.length, null, true],
      ['메모.txt', 'text/plain; charset=utf-8', memo.length, null, false],
    ]);
    const picture = await download(filed.receiptNo, attachments[0]!.id, staff);
    expect(picture.statusCode).toBe(200);
    expect(Buffer.compare(picture.rawPayload, photo)).toBe(0);
    expect(picture.headers['content-type']).toBe('image/png');
    expect(picture.headers['x-content-type-options']).toBe('nosniff');
    const disposition = String(picture.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; /);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(photoName)}`);

    const thumbnail = await download(filed.receiptNo, attachments[0]!.id, staff, '/thumbnail');
    expect(thumbnail.statusCode).toBe(200);
    expect(thumbnail.headers['content-type']).toBe('image/png');
    expect(thumbnail.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect(thumbnail.rawPayload.length).toBeLessThan(photo.length + 1);
    const text = await download(filed.receiptNo, attachments[1]!.id, staff);
    expect(text.body).toBe(memo.toString());
  });

  it('lets the citizen download their own files with the access code, and nobody without it', async () => {
    const citizen = { 'x-access-code': filed.accessCode };
    const { attachments } = await view(filed.receiptNo, citizen);
    expect(attachments.map((a) => a.fileName)).toEqual([photoName, '메모.txt']);
    const own = await download(filed.receiptNo, attachments[0]!.id, citizen);
    expect(own.statusCode).toBe(200);
    expect(Buffer.compare(own.rawPayload, photo)).toBe(0);
    const anonymous = await download(filed.receiptNo, attachments[0]!.id, {});
    expect(anonymous.statusCode).toBe(401);
    const wrongCode = await download(filed.receiptNo, attachments[0]!.id, { 'x-access-code': 'WRONGCODE1' });
    expect(wrongCode.statusCode).toBe(404);
  });

  it('refuses staff outside the case scope, as for the case itself', async () => {
    const outsider = await login(stack.app, 'E3200');
    const staff = await login(stack.app, handlerNo);
    const { attachments } = await view(filed.receiptNo, staff);
    const refused = await download(filed.receiptNo, attachments[0]!.id, outsider);
    expect(refused.statusCode).toBe(404);
    expect(refused.body).not.toContain(photoName);
  });

  it('keeps a file on an internal note from the citizen: not listed, not downloadable, while staff see it', async () => {
    const staff = await login(stack.app, handlerNo);
    const noteFile = `${internalMarker}.pdf`;
    const body = await multipartBody({ body: `내부 검토 메모 ${run}` }, [
      { name: noteFile, bytes: pdfDocument(internalMarker), type: 'application/pdf' },
    ]);
    const note = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${filed.receiptNo}/notes`,
      payload: body.payload,
      headers: { ...staff, ...body.headers },
    });
    expect(note.statusCode, note.body).toBe(201);
    const staffView = await view(filed.receiptNo, staff);
    const onNote = staffView.attachments.find((a) => a.fileName === noteFile);
    expect(onNote?.messageId).toBe(note.json<{ id: string }>().id);
    expect(onNote?.contentType).toBe('application/pdf');

    const citizen = { 'x-access-code': filed.accessCode };
    const citizenResponse = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${filed.receiptNo}`,
      headers: citizen,
    });
    expect(citizenResponse.body).not.toContain(internalMarker);
    const refused = await download(filed.receiptNo, onNote!.id, citizen);
    expect(refused.statusCode).toBe(404);
    expect(refused.body).not.toContain(internalMarker);
  });

  it('takes the citizen files with added information and staff files with the draft answer, which reach the citizen once the answer is approved', async () => {
    const citizen = { 'x-access-code': filed.accessCode };
    const added = await multipartBody({ text: '추가 사진을 보냅니다.' }, [
      { name: `추가 ${run}.png`, bytes: await pngPicture(7, 64, 64), type: 'image/png' },
    ]);
    const info = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${filed.receiptNo}/citizen/add-info`,
      payload: added.payload,
      headers: { ...citizen, ...added.headers },
    });
    expect(info.statusCode, info.body).toBe(200);
    expect(info.json<{ attachments: AttachmentView[] }>().attachments.map((a) => a.fileName)).toContain(
      `추가 ${run}.png`,
    );

    const staff = await login(stack.app, handlerNo);
    const act = async (
      headers: Record<string, string>,
      action: string,
      payload: object,
      files?: TestFile[],
    ) => {
      const body = files ? await multipartBody(payload, files) : { payload, headers: {} };
      return stack.app.inject({
        method: 'POST',
        url: `/api/complaints/${filed.receiptNo}/actions/${action}`,
        payload: body.payload,
        headers: { ...headers, ...body.headers },
      });
    };
    expect((await act(staff, 'accept', {})).statusCode).toBe(200);
    const answerFile = `보수 계획서 ${run}.pdf`;
    const drafted = await act(staff, 'draft-answer', { answer: '보수 계획을 첨부와 같이 안내드립니다.' }, [
      { name: answerFile, bytes: pdfDocument(`plan ${run}`), type: 'application/pdf' },
    ]);
    expect(drafted.statusCode, drafted.body).toBe(200);
    // A draft is internal: the citizen does not see its file yet.
    expect((await view(filed.receiptNo, citizen)).attachments.map((a) => a.fileName)).not.toContain(
      answerFile,
    );

    const leader = await login(stack.app, 'E1200');
    const approved = await act(leader, 'review', { decision: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    const answered = await waitFor(async () => {
      const seen = await view(filed.receiptNo, citizen);
      const file = seen.attachments.find((a) => a.fileName === answerFile);
      const answer = seen.messages.find((m) => m.kind === 'answer');
      return file && answer && file.messageId === answer.id ? file : null;
    });
    const bytes = await download(filed.receiptNo, answered.id, citizen);
    expect(bytes.statusCode).toBe(200);
    expect(bytes.rawPayload.toString()).toContain(`plan ${run}`);
  });

  it('refuses a file whose content does not match its name, naming the file, and stores nothing', async () => {
    const before = await counts();
    const pngAsPdf = await fileWith([{ name: '계약서.pdf', bytes: photo, type: 'application/pdf' }]);
    expect(pngAsPdf.statusCode).toBe(415);
    expect(pngAsPdf.json().error.message).toContain('계약서.pdf');
    expect(pngAsPdf.json().error.message).toContain('image/png');

    const executable = Buffer.concat([
      Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'),
      randomBytes(512),
    ]);
    const renamed = await fileWith([{ name: '사진.jpg', bytes: executable, type: 'image/jpeg' }]);
    expect(renamed.statusCode).toBe(415);
    expect(renamed.json().error.message).toContain('사진.jpg');
    expect(renamed.json().error.message).toContain('application/x-msdownload');

    const script = await fileWith([{ name: 'run.sh', bytes: Buffer.from('#!/bin/sh\nrm -rf /\n') }]);
    expect(script.statusCode).toBe(415);
    expect(script.json().error.message).toContain('.sh is not allowed');
    expect(await counts()).toEqual(before);
  });

  it('refuses an 11 MB file before storing anything, and more than 10 files', async () => {
    const before = await counts();
    const big = Buffer.concat([photo, randomBytes(11 * 1024 * 1024)]);
    const oversized = await fileWith([
      { name: 'small.txt', bytes: Buffer.from('작은 파일') },
      { name: '큰 사진.png', bytes: big, type: 'image/png' },
    ]);
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json().error.message).toContain('큰 사진.png');
    expect(oversized.json().error.message).toContain('10 MB');

    const eleven = await fileWith(
      Array.from({ length: 11 }, (_, i) => ({
        name: `note-${i}.txt`,
        bytes: Buffer.from(`file ${i} ${run}`),
      })),
    );
    expect(eleven.statusCode).toBe(413);
    expect(eleven.json().error.message).toContain('at most 10 files');
    expect(await counts()).toEqual(before);
  });

  it('deletes the files of a complaint when retention anonymises it', async () => {
    const unique = Buffer.from(`retention ${run} ${randomUUID()}\n`);
    const response = await fileWith(
      [{ name: '개인 서류.txt', bytes: unique }],
      `retention.${run}@example.com`,
    );
    expect(response.statusCode, response.body).toBe(202);
    const complaint = response.json<{ receiptNo: string; accessCode: string }>();
    await waitForHandler(complaint.receiptNo);
    const withdrawn = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${complaint.receiptNo}/citizen/withdraw`,
      headers: { 'x-access-code': complaint.accessCode },
      payload: { reason: '해결되었습니다' },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    await waitFor(async () => {
      const row = await stack.prisma.complaint.findUnique({ where: { receiptNo: complaint.receiptNo } });
      return row?.closedAt !== null && row?.stage === 'withdrawn';
    });
    const [stored] = await stack.prisma.complaintAttachment.findMany({
      where: { receiptNo: complaint.receiptNo },
    });
    expect(await stack.app.fileStore.get(stored!.sha256)).not.toBeNull();

    // Only this complaint is closed that long ago.
    await stack.prisma.complaint.update({
      where: { receiptNo: complaint.receiptNo },
      data: { closedAt: new Date('1980-01-02T00:00:00Z') },
    });
    const retention = createRetentionActivities({ prisma: stack.prisma, fileStore: stack.app.fileStore });
    const result = await retention.anonymiseClosedComplaints({
      cutoff: '1980-12-31T00:00:00Z',
      batchSize: 10,
      requestedBy: 'test',
    });
    expect(result.anonymised).toEqual([complaint.receiptNo]);
    expect(await stack.prisma.complaintAttachment.count({ where: { receiptNo: complaint.receiptNo } })).toBe(
      0,
    );
    expect(await stack.app.fileStore.get(stored!.sha256)).toBeNull();
    const gone = await download(complaint.receiptNo, stored!.id, { 'x-access-code': complaint.accessCode });
    expect(gone.statusCode).toBe(404);
  });
});
