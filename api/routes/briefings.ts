import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import {
  briefingFileName,
  loadBriefing,
  PDF_CONTENT_TYPE,
  XLSX_CONTENT_TYPE,
  type BriefingFormat,
} from '../../reports/briefing.ts';
import { briefingPdf } from '../../reports/briefing-pdf.ts';
import { briefingWorkbook } from '../../reports/briefing-xlsx.ts';
import { loadScorecard } from '../../data/scorecard.ts';
import { AppError } from '../errors.ts';
import { Errors, Year } from './performance-shared.ts';

const Params = Type.Object({ year: Year, unitCode: Type.String({ maxLength: 20 }) });
const FileQuery = Type.Object({
  lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])),
  format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('pdf')])),
});
const File = Type.Unsafe<Buffer>({
  type: 'string',
  format: 'binary',
  description: 'the XLSX workbook or the PDF',
});
const contentTypeOf = (format: BriefingFormat) => (format === 'pdf' ? PDF_CONTENT_TYPE : XLSX_CONTENT_TYPE);

/**
 * A unit's monthly BSC briefing (issue 14, item 6): made now on demand, or as the schedule archived it on
 * the first business day after the month (workflows/bsc-cycle.ts). Staff only, as the scorecard.
 */
export const briefingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/performance/:year/briefings/:unitCode',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary:
          "A unit's monthly briefing made now, as an XLSX workbook (default) or an A4 PDF: scorecard with lights, achievement chart, KPI trends, red KPIs with their linked tasks, focus-management tasks",
        params: Params,
        querystring: FileQuery,
        produces: [XLSX_CONTENT_TYPE, PDF_CONTENT_TYPE],
        response: { 200: File, ...Errors },
      },
    },
    async (request, reply) => {
      const { year, unitCode } = request.params;
      const { lang = 'ko', format = 'xlsx' } = request.query;
      const found = await loadScorecard(app.prisma, year, unitCode);
      if ('missing' in found) throw new AppError(ErrorCode.NOT_FOUND, found.missing);
      const data = await loadBriefing(app.prisma, found.scorecard, new Date());
      const file = format === 'pdf' ? await briefingPdf(data, lang) : await briefingWorkbook(data, lang);
      return reply
        .header('content-type', contentTypeOf(format))
        .header('content-disposition', `attachment; filename="${briefingFileName(year, unitCode, format)}"`)
        .send(file);
    },
  );

  app.get(
    '/api/performance/:year/briefings/:unitCode/archive',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: "The unit's archived monthly briefings of the year, newest month first",
        params: Params,
        response: {
          200: Type.Array(
            Type.Object({
              month: Type.Integer(),
              generatedAt: Type.String({ format: 'date-time' }),
              score: Type.Union([Type.Number(), Type.Null()]),
              light: Type.Union([Type.String(), Type.Null()]),
              redKpis: Type.Integer(),
              files: Type.Array(Type.Object({ format: Type.String(), lang: Type.String() })),
            }),
          ),
          ...Errors,
        },
      },
    },
    async (request) => {
      const { year, unitCode } = request.params;
      const rows = await app.prisma.bscBriefing.findMany({
        where: { year, unitCode },
        select: {
          month: true,
          generatedAt: true,
          score: true,
          light: true,
          redKpis: true,
          format: true,
          lang: true,
        },
        orderBy: [{ month: 'desc' }, { format: 'asc' }, { lang: 'desc' }],
      });
      const months = new Map<number, (typeof rows)[number] & { files: { format: string; lang: string }[] }>();
      for (const row of rows) {
        const month = months.get(row.month) ?? { ...row, files: [] };
        month.files.push({ format: row.format, lang: row.lang });
        months.set(row.month, month);
      }
      return [...months.values()].map((month) => ({
        month: month.month,
        generatedAt: month.generatedAt.toISOString(),
        score: month.score,
        light: month.light,
        redKpis: month.redKpis,
        files: month.files,
      }));
    },
  );

  app.get(
    '/api/performance/:year/briefings/:unitCode/archive/:month',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'An archived monthly briefing as generated on its schedule (PDF by default)',
        params: Type.Object({ ...Params.properties, month: Type.Integer({ minimum: 1, maximum: 12 }) }),
        querystring: FileQuery,
        produces: [PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE],
        response: { 200: File, ...Errors },
      },
    },
    async (request, reply) => {
      const { year, unitCode, month } = request.params;
      const { lang = 'ko', format = 'pdf' } = request.query;
      const row = await app.prisma.bscBriefing.findUnique({
        where: { year_month_unitCode_format_lang: { year, month, unitCode, format, lang } },
        select: { bytes: true },
      });
      if (!row)
        throw new AppError(ErrorCode.NOT_FOUND, `No ${format} briefing of ${unitCode} for ${year}-${month}`);
      return reply
        .header('content-type', contentTypeOf(format))
        .header(
          'content-disposition',
          `attachment; filename="${briefingFileName(year, unitCode, format, month)}"`,
        )
        .send(Buffer.from(row.bytes));
    },
  );
};
