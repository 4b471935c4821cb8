import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import ExcelJS from 'exceljs';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { readKpiSheet, type CellValue, type UploadedRow } from '../../domain/kpi-upload.ts';
import { HR_ROLES } from '../../domain/performance.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import type { ReceivedFile } from '../plugins/attachments.ts';
import { assertYearUnlocked, Errors, Year } from './performance-shared.ts';
import { XLSX_CONTENT_TYPE } from '../../reports/briefing.ts';

const XLSX = XLSX_CONTENT_TYPE;

/** The first worksheet's cells, row by row, from an XLSX or CSV file. */
async function sheetCells(file: ReceivedFile): Promise<CellValue[][]> {
  const workbook = new ExcelJS.Workbook();
  let sheet: ExcelJS.Worksheet | undefined;
  if (file.contentType === XLSX) {
    await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
    sheet = workbook.worksheets[0];
  } else if (file.contentType.startsWith('text/csv')) {
    // Excel saves CSV with a byte-order mark; the header must not keep it.
    const text = file.bytes.toString('utf8').replace(/^\uFEFF/, '');
    sheet = await workbook.csv.read(Readable.from([text]), { parserOptions: { delimiter: ',' } });
  } else {
    throw new AppError(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      `file: "${file.fileName}" is neither an XLSX nor a CSV sheet`,
    );
  }
  const cells: CellValue[][] = [];
  sheet?.eachRow({ includeEmpty: true }, (row, number) => {
    const values = (row.values as unknown[]).slice(1).map((value): CellValue => {
      if (value && typeof value === 'object' && !(value instanceof Date)) {
        const rich = value as { result?: unknown; text?: unknown; richText?: { text: string }[] };
        if (rich.result !== undefined) return rich.result as CellValue;
        if (rich.richText) return rich.richText.map((part) => part.text).join('');
        if (typeof rich.text === 'string') return rich.text;
        return null;
      }
      return value as CellValue;
    });
    cells[number - 1] = values;
  });
  return Array.from(cells, (row) => row ?? []);
}

const RowView = Type.Object({
  row: Type.Integer(),
  kpiCode: Type.String(),
  kpiName: Type.Union([Type.String(), Type.Null()]),
  kpiNameEn: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.Number(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  errors: Type.Array(Type.Object({ ko: Type.String(), en: Type.String() })),
  entryId: Type.Union([Type.Integer(), Type.Null()]),
});
const UploadResult = Type.Object({
  fileName: Type.String(),
  committed: Type.Boolean(),
  rows: Type.Array(RowView),
  valid: Type.Integer(),
  invalid: Type.Integer(),
});

/**
 * `POST /api/performance/:year/kpi-entries/upload`: manual KPI values from an XLSX or CSV sheet, as
 * multipart (`files`: one sheet; `payload`: `{"commit": false}`). Without `commit` it answers the preview:
 * every row with the KPI it names and what is wrong with it. With `commit` every row is entered as a
 * pending manual entry (the same as entering each value by hand, approved the same way), all in one
 * transaction, or, when any row is wrong, none (422 with the rows).
 */
export const kpiUploadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/performance/:year/kpi-entries/upload',
    {
      config: { access: 'staff', attachments: true },
      schema: {
        tags: ['performance'],
        summary:
          'Upload manual KPI values from an XLSX or CSV sheet (columns kpiCode, value, note): a preview with the errors of each row, or with commit all rows as pending entries at once',
        params: Type.Object({ year: Year }),
        body: Type.Object({ commit: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: UploadResult, 201: UploadResult, 413: Errors[422], 415: Errors[422], ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      await assertYearUnlocked(app.prisma, year);
      const [file, ...more] = request.uploads;
      if (!file || more.length > 0) {
        throw new AppError(ErrorCode.VALIDATION, 'Send exactly one sheet (XLSX or CSV) in files', [
          { path: '/files', message: 'exactly one sheet' },
        ]);
      }
      let cells: CellValue[][];
      try {
        cells = await sheetCells(file);
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError(ErrorCode.VALIDATION, `file: "${file.fileName}" could not be read as a sheet`);
      }
      const reading = readKpiSheet(cells);
      if (!reading.ok) {
        throw new AppError(ErrorCode.VALIDATION, `${reading.error.en} (${reading.error.ko})`, [
          { path: '/files', message: reading.error.en },
        ]);
      }
      const codes = [...new Set(reading.rows.map((row) => row.kpiCode).filter(Boolean))];
      const kpis = new Map(
        (await app.prisma.kpi.findMany({ where: { year, code: { in: codes } } })).map((kpi) => [
          kpi.code,
          kpi,
        ]),
      );
      const mayEnterAny = HR_ROLES.includes(staff.role);
      const rows = reading.rows.map((row: UploadedRow) => {
        const kpi = kpis.get(row.kpiCode);
        const errors = [...row.errors];
        if (row.kpiCode && !kpi) {
          errors.push({
            ko: `${year}년에 ${row.kpiCode} 지표가 없습니다`,
            en: `No KPI ${row.kpiCode} in ${year}`,
          });
        } else if (kpi && kpi.source !== 'MANUAL') {
          errors.push({
            ko: `${row.kpiCode}은 자동으로 측정되는 지표입니다`,
            en: `${row.kpiCode} is measured automatically (${kpi.source})`,
          });
        } else if (kpi && kpi.ownerNo !== staff.employeeNo && !mayEnterAny) {
          errors.push({
            ko: `지표 담당자(${kpi.ownerNo ?? '없음'})만 입력할 수 있습니다`,
            en: `Only the KPI owner (${kpi.ownerNo ?? 'none'}) may enter its value`,
          });
        }
        return {
          ...row,
          kpiName: kpi?.nameKo ?? null,
          kpiNameEn: kpi?.nameEn ?? null,
          errors,
          entryId: null as number | null,
        };
      });
      const invalid = rows.filter((row) => row.errors.length > 0).length;
      const result = {
        fileName: file.fileName,
        committed: false,
        rows,
        valid: rows.length - invalid,
        invalid,
      };
      if (!request.body?.commit) return result;
      if (invalid > 0) {
        const first = rows.find((row) => row.errors.length > 0)!;
        throw new AppError(
          ErrorCode.VALIDATION,
          `${invalid} of ${rows.length} rows cannot be entered; nothing was entered (row ${first.row}: ${first.errors[0]!.en})`,
          rows
            .filter((row) => row.errors.length > 0)
            .map((row) => ({ path: `/rows/${row.row}`, message: row.errors.map((e) => e.en).join('; ') })),
        );
      }
      const created = await app.prisma.$transaction(
        rows.map((row) =>
          app.prisma.kpiManualEntry.create({
            data: {
              kpiCode: row.kpiCode,
              year,
              value: row.value!,
              note: row.note ?? `${file.fileName} ${row.row}행`,
              submittedBy: staff.employeeNo,
            },
            select: { id: true },
          }),
        ),
      );
      created.forEach((entry, position) => {
        rows[position]!.entryId = entry.id;
      });
      return reply.status(201).send({ ...result, committed: true });
    },
  );
};
