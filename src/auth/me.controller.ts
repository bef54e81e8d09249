import { Controller, Get, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authenticated } from '../permissions/route-access';
import { Doc } from '../common/openapi/doc.decorator';
import { Me } from './auth.schemas';

@ApiTags('Me')
@Controller('rest/v1.0/me')
export class MeController {
  @Get()
  @Authenticated()
  @Doc({ summary: 'Who am I', ok: { description: 'The signed-in user and the company they act in', schema: Me } })
  me(@Req() req: FastifyRequest): Record<string, unknown> {
    const auth = req.auth!;
    return { id: auth.user.id, login: auth.user.login, name: auth.user.name, company_ids: [auth.companyId] };
  }
}
