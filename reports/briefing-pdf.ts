import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { Lang } from '../domain/readable.ts';
import { briefingWords, type BriefingData, type BriefingWords } from './briefing.ts';

/**
 * The monthly briefing as an A4 PDF to print or send before a meeting: the overall score, a labelled bar
 * chart of every KPI's achievement, the scorecard table, the latest measurements, the red KPIs with their
 * linked tasks and the focus-management tasks. Korean text is set in Pretendard GOV (the Korean government
 * design system's typeface, OFL), embedded as a subset so the file opens anywhere.
 */

const require = createRequire(import.meta.url);
const FONT_DIR = 'pretendard-gov/dist/public/static/alternative';
const FONT_FILES = {
  regular: require.resolve(`${FONT_DIR}/PretendardGOV-Regular.ttf`),
  bold: require.resolve(`${FONT_DIR}/PretendardGOV-Bold.ttf`),
};
/** The two 5.5 MB font files, read once per process rather than for every briefing. */
let fonts: Promise<{ regular: Buffer; bold: Buffer }> | undefined;
const loadFonts = () =>
  (fonts ??= Promise.all([readFile(FONT_FILES.regular), readFile(FONT_FILES.bold)]).then(
    ([regular, bold]) => ({
      regular,
      bold,
    }),
  ));

const LIGHT_COLOURS: Record<string, string> = { GREEN: '#2e7d32', YELLOW: '#f9a825', RED: '#c62828' };
const GREY = '#6b7280';
const MARGIN = 40;
const LATEST_MEASUREMENTS = 6;

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

export async function briefingPdf(data: BriefingData, lang: Lang): Promise<Buffer> {
  const w = briefingWords(lang);
  const { scorecard } = data;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: lang === 'en' ? 'en-GB' : 'ko-KR',
    info: {
      Title: `${w.t('title')} · ${w.name(scorecard.unit)} · ${scorecard.year}`,
      Author: 'Administrative Innovation Portal',
      CreationDate: data.asOf,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const { regular, bold } = await loadFonts();
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);

  heading(doc, w, data);
  achievementChart(doc, w, data);
  section(doc, w.t('scorecard'));
  table(
    doc,
    [
      { header: w.t('perspective'), width: 70 },
      { header: w.t('kpi'), width: 175 },
      { header: w.t('target'), width: 60, align: 'right' },
      { header: w.t('actual'), width: 60, align: 'right' },
      { header: w.t('achievement'), width: 75, align: 'right' },
      { header: w.t('light'), width: 75, align: 'center' },
    ],
    data.rows.map((row) => [
      w.perspective(row.perspective),
      kpiCell(w, row.kpi),
      `${w.number(row.kpi.target, 2)} ${row.kpi.unitLabel}`,
      row.kpi.value === null ? w.t('noData') : w.number(row.kpi.value, 2),
      w.number(row.kpi.achievement),
      w.light(row.kpi.light),
    ]),
    (row) => (data.rows[row]!.kpi.light ? LIGHT_COLOURS[data.rows[row]!.kpi.light!] : undefined),
  );

  section(doc, w.t('latest'));
  table(
    doc,
    [
      { header: w.t('kpi'), width: 175 },
      { header: `${w.t('measuredAt')} · ${w.t('value')}`, width: 340 },
    ],
    data.rows.map((row) => {
      const latest = data.measurements.filter((m) => m.kpiCode === row.kpi.code).slice(-LATEST_MEASUREMENTS);
      return [
        kpiCell(w, row.kpi),
        latest.length === 0
          ? w.t('noData')
          : latest.map((m) => `${w.time(m.at)}  ${w.number(m.value, 2)}`).join('\n'),
      ];
    }),
  );

  section(doc, w.t('red'));
  const redRows = data.rows
    .filter((row) => row.kpi.light === 'RED')
    .flatMap((row) => {
      const tasks = data.linkedTasks.filter((task) => task.kpiCode === row.kpi.code);
      const kpi = kpiCell(w, row.kpi);
      const achievement = w.number(row.kpi.achievement);
      if (tasks.length === 0) return [[kpi, achievement, w.t('noTask'), '', '']];
      return tasks.map((task) => [
        kpi,
        achievement,
        `${task.title} (${task.id})`,
        w.stage(task.stage),
        task.focus ? w.t('yes') : w.t('no'),
      ]);
    });
  if (redRows.length === 0) note(doc, w.t('none'));
  else
    table(
      doc,
      [
        { header: w.t('kpi'), width: 150 },
        { header: w.t('achievement'), width: 65, align: 'right' },
        { header: w.t('taskTitle'), width: 170 },
        { header: w.t('stage'), width: 70 },
        { header: w.t('focusTask'), width: 60, align: 'center' },
      ],
      redRows,
    );

  section(doc, w.t('focus'));
  if (data.focusTasks.length === 0) note(doc, w.t('none'));
  else
    table(
      doc,
      [
        { header: w.t('taskTitle'), width: 215 },
        { header: w.t('stage'), width: 80 },
        { header: w.t('light'), width: 70, align: 'center' },
        { header: w.t('reportDue'), width: 150 },
      ],
      data.focusTasks.map((task) => [
        `${task.title} (${task.id})`,
        w.stage(task.stage),
        w.light(task.light),
        task.focusReportDueAt ? w.time(task.focusReportDueAt) : '—',
      ]),
    );

  pageNumbers(doc, w);
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}

function heading(doc: PDFKit.PDFDocument, w: BriefingWords, data: BriefingData) {
  const { scorecard } = data;
  doc
    .font('bold')
    .fontSize(16)
    .fillColor('black')
    .text(`${w.t('title')} · ${w.name(scorecard.unit)} (${scorecard.unit.code}) · ${scorecard.year}`);
  doc
    .font('regular')
    .fontSize(9)
    .fillColor(GREY)
    .text(`${w.t('generated')}: ${w.time(data.asOf)}`);
  doc.moveDown(0.6);
  const y = doc.y;
  const verdict = scorecard.insufficientData ? w.t('insufficient') : w.light(scorecard.light);
  const colour = scorecard.insufficientData ? GREY : (LIGHT_COLOURS[scorecard.light ?? ''] ?? GREY);
  doc.circle(MARGIN + 6, y + 7, 5).fill(colour);
  doc
    .font('bold')
    .fontSize(12)
    .fillColor('black')
    .text(`${w.t('score')} ${w.number(scorecard.score, 1)} · ${verdict}`, MARGIN + 18, y);
  doc
    .font('regular')
    .fontSize(9)
    .fillColor(GREY)
    .text(`${w.t('measuredShare')} ${w.number(scorecard.measuredKpiShare, 0)}%`, MARGIN + 18);
  doc.x = MARGIN;
  doc.moveDown(0.8);
}

/** One bar per KPI, its name on the axis, its value on the bar, the year's light thresholds as lines. */
function achievementChart(doc: PDFKit.PDFDocument, w: BriefingWords, data: BriefingData) {
  section(doc, w.t('achievementChart'));
  const labelWidth = 180;
  const barLeft = MARGIN + labelWidth + 8;
  const barWidth = 280;
  const rowHeight = 16;
  const { green, yellow } = data.scorecard.config.lightThresholds;
  const scaleMax = Math.max(
    120,
    ...data.rows.map((row) => Math.min(row.kpi.achievement ?? 0, data.scorecard.config.achievementCap)),
  );
  const x = (percent: number) => barLeft + (Math.max(0, Math.min(percent, scaleMax)) / scaleMax) * barWidth;
  ensureRoom(doc, rowHeight * (data.rows.length + 2));
  const top = doc.y;
  data.rows.forEach((row, index) => {
    const y = top + index * rowHeight;
    doc
      .font('regular')
      .fontSize(8)
      .fillColor('black')
      .text(w.name(row.kpi), MARGIN, y + 3, {
        width: labelWidth,
        align: 'right',
        lineBreak: false,
        ellipsis: true,
      });
    if (row.kpi.achievement === null) {
      doc.fillColor(GREY).text(w.t('noData'), barLeft + 4, y + 3, { lineBreak: false });
      return;
    }
    const end = x(row.kpi.achievement);
    doc
      .rect(barLeft, y + 2, Math.max(1, end - barLeft), rowHeight - 5)
      .fill(LIGHT_COLOURS[row.kpi.light ?? ''] ?? GREY);
    doc.fillColor('black').text(`${w.number(row.kpi.achievement)}%`, end + 4, y + 3, { lineBreak: false });
  });
  const bottom = top + data.rows.length * rowHeight;
  doc.moveTo(barLeft, top).lineTo(barLeft, bottom).lineWidth(0.7).stroke('black');
  doc
    .moveTo(barLeft, bottom)
    .lineTo(barLeft + barWidth, bottom)
    .stroke('black');
  for (const [percent, colour] of [
    [green, LIGHT_COLOURS.GREEN!],
    [yellow, LIGHT_COLOURS.YELLOW!],
  ] as const) {
    doc.moveTo(x(percent), top).lineTo(x(percent), bottom).dash(2, { space: 2 }).stroke(colour).undash();
  }
  for (const tick of [0, 50, 100, scaleMax]) {
    doc
      .font('regular')
      .fontSize(7)
      .fillColor(GREY)
      .text(`${tick}%`, x(tick) - 10, bottom + 2, {
        width: 20,
        align: 'center',
        lineBreak: false,
      });
  }
  doc
    .font('regular')
    .fontSize(7)
    .fillColor(GREY)
    .text(w.thresholdLegend(green, yellow), MARGIN, bottom + 12, { width: 515, align: 'right' });
  doc.x = MARGIN;
  doc.y = bottom + 26;
}

const kpiCell = (w: BriefingWords, kpi: { code: string; name: string; nameEn: string }) =>
  `${w.name(kpi)}\n${kpi.code}`;

function section(doc: PDFKit.PDFDocument, title: string) {
  ensureRoom(doc, 60);
  doc.x = MARGIN;
  doc.moveDown(0.4).font('bold').fontSize(11).fillColor('black').text(title);
  doc.moveDown(0.3);
}

function note(doc: PDFKit.PDFDocument, text: string) {
  doc.font('regular').fontSize(9).fillColor(GREY).text(text, MARGIN);
}

/** A table whose rows grow to their tallest cell and never split over a page; the header repeats. */
function table(
  doc: PDFKit.PDFDocument,
  columns: Column[],
  rows: string[][],
  markerColour?: (row: number) => string | undefined,
) {
  const padding = 3;
  const drawRow = (cells: string[], font: 'regular' | 'bold', colour?: string) => {
    doc.font(font).fontSize(8);
    const height =
      Math.max(
        ...cells.map((cell, i) =>
          doc.heightOfString(cell || ' ', { width: columns[i]!.width - 2 * padding }),
        ),
      ) +
      2 * padding;
    if (doc.y + height > doc.page.height - MARGIN - 14) {
      doc.addPage();
      if (font === 'regular')
        drawRow(
          columns.map((c) => c.header),
          'bold',
        );
    }
    const y = doc.y;
    if (font === 'bold') doc.rect(MARGIN, y, width, height).fill('#eef1f5');
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const column = columns[i]!;
      doc
        .font(font)
        .fillColor(i === cells.length - 1 && colour ? colour : 'black')
        .text(cell, x + padding, y + padding, {
          width: column.width - 2 * padding,
          align: column.align ?? 'left',
        });
      x += column.width;
    });
    doc
      .moveTo(MARGIN, y + height)
      .lineTo(MARGIN + width, y + height)
      .lineWidth(0.3)
      .stroke('#c8ccd2');
    doc.x = MARGIN;
    doc.y = y + height;
  };
  const width = columns.reduce((sum, column) => sum + column.width, 0);
  drawRow(
    columns.map((c) => c.header),
    'bold',
  );
  rows.forEach((cells, index) => drawRow(cells, 'regular', markerColour?.(index)));
  doc.moveDown(0.5);
}

function ensureRoom(doc: PDFKit.PDFDocument, height: number) {
  if (doc.y + height > doc.page.height - MARGIN - 14) doc.addPage();
}

function pageNumbers(doc: PDFKit.PDFDocument, w: BriefingWords) {
  const { start, count } = doc.bufferedPageRange();
  for (let page = start; page < start + count; page += 1) {
    doc.switchToPage(page);
    // Writing into the bottom margin would otherwise start a new page.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const label =
      w.lang === 'en' ? `${w.t('page')} ${page + 1} / ${count}` : `${page + 1} / ${count} ${w.t('page')}`;
    doc
      .font('regular')
      .fontSize(7)
      .fillColor(GREY)
      .text(label, MARGIN, doc.page.height - MARGIN + 10, {
        width: doc.page.width - 2 * MARGIN,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottomMargin;
  }
}
