import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/stack.ts';
import { pdfDocument, pngPicture } from '../support/multipart.ts';
import { screenshot } from './support/browser.ts';
import { signIn, startPortal, type PortalUnderTest } from './support/portal.ts';

let portal: PortalUnderTest;
beforeAll(async () => {
  portal = await startPortal();
});
afterAll(async () => {
  await portal?.stop();
});

const run = randomUUID().slice(0, 8);
const photoName = `파손 현장 ${run}.png`;
const internalMarker = `INTERNAL-ATTACHMENT-${run}`;

describe('attachments in real Chromium', () => {
  it('the citizen attaches a photo when filing, the handler sees its name and thumbnail, and a file on an internal note never reaches the citizen', async () => {
    const citizenPage = await portal.newPage();
    const page = citizenPage.page;
    await page.goto('/file');
    await page.getByText('최대 10개, 파일당 10MB까지').waitFor();
    await page.getByTestId('category').click();
    await page.getByRole('option', { name: '일반 행정 문의' }).click();
    await page.getByLabel('제목').fill('사진 첨부 민원');
    await page.getByLabel('내용').fill('청사 앞 보도블록이 깨졌습니다. 사진을 첨부합니다.');
    await page.getByLabel('성명').fill('이첨부');
    await page.getByLabel('이메일').fill(`browser.attach.${run}@example.com`);
    await page.locator('input[type=file]').setInputFiles({
      name: photoName,
      mimeType: 'image/png',
      buffer: await pngPicture(42, 400, 300),
    });
    await page.getByText('위 사항을 확인했으며 개인정보 수집·이용에 동의합니다.').click();
    await page.getByRole('button', { name: '신청하기' }).click();
    await page.getByTestId('filed').waitFor();
    const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim();
    const accessCode = (await page.getByTestId('access-code').textContent())!.trim();

    const handlerNo = await waitFor(async () => {
      const row = await portal.stack.prisma.complaint.findUnique({
        where: { receiptNo },
        include: { handler: true },
      });
      return row?.stage === 'assigned' && row.handler?.employeeNo;
    }, 30_000);

    // The handler's case file: the file's name and its thumbnail, drawn from the server's PNG.
    const staff = await portal.newPage();
    await signIn(staff.page, handlerNo);
    await staff.page.goto(`/complaints/${receiptNo}`);
    const attachments = staff.page.getByTestId('attachments');
    await attachments.getByText(photoName).waitFor();
    const thumbnail = attachments.getByTestId('attachment-thumbnail').first();
    await expect
      .poll(() => thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeLessThanOrEqual(
      240,
    );

    // An internal note with a file whose name is a marker.
    const noteForm = staff.page.getByTestId('action-notes');
    await noteForm.getByRole('textbox').fill(`내부 검토용 자료 ${run}`);
    await noteForm.locator('input[type=file]').setInputFiles({
      name: `${internalMarker}.pdf`,
      mimeType: 'application/pdf',
      buffer: pdfDocument(internalMarker),
    });
    await noteForm.getByRole('button', { name: '메모 저장' }).click();
    await attachments.getByText(`${internalMarker}.pdf`).waitFor();
    await screenshot(staff.page, 'attachments-case-file');

    // The citizen's My Space (the receipt page remembered the access code) lists the photo with its
    // thumbnail, and nothing of the note.
    expect(accessCode).toMatch(/^[A-Z2-9]{10}$/);
    await page.goto(`/my-space?receiptNo=${encodeURIComponent(receiptNo)}`);
    const own = page.getByTestId('attachments');
    await own.getByText(photoName).waitFor();
    await expect
      .poll(
        () =>
          own
            .getByTestId('attachment-thumbnail')
            .first()
            .evaluate((img) => (img as HTMLImageElement).naturalWidth),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    expect(await own.getByTestId('attachment').count()).toBe(1);
    // Wait past one live refresh so the page shows the case as it is after the note.
    await page.waitForResponse((response) => response.url().includes(`/api/complaints/${receiptNo}`));
    expect(await page.content()).not.toContain(internalMarker);
    await screenshot(page, 'attachments-my-space');
    await staff.context.close();
    await citizenPage.context.close();
  }, 180_000);
});
