import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export const Category = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  kind: Type.String(),
  team: Type.String(),
  teamName: Type.String(),
  slaDays: Type.Integer(),
});

export const categoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/categories',
    {
      config: { access: 'public' },
      schema: {
        tags: ['complaints'],
        summary: 'Complaint categories with their responsible team and processing period (business days)',
        response: { 200: Type.Array(Category) },
      },
    },
    async () => {
      const categories = await app.prisma.complaintCategory.findMany({
        where: { active: true },
        include: { team: true },
        orderBy: { code: 'asc' },
      });
      return categories.map((c) => ({
        code: c.code,
        name: c.nameKo,
        nameEn: c.nameEn,
        kind: c.kind,
        team: c.team.code,
        teamName: c.team.nameKo,
        slaDays: c.slaDays,
      }));
    },
  );
};
