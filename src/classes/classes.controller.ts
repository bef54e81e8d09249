import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ItemLocation } from '../common/http/item-headers.interceptor';
import { Doc } from '../common/openapi/doc.decorator';
import { ArrayOf } from '../common/openapi/schema';
import { IdPipe } from '../common/validation/id.pipe';
import { SimControl } from '../permissions/route-access';
import { assertOperator } from '../sandboxes/sim-access';
import { CreateClassDto, MAX_TRAINEES } from './class.dto';
import { ClassesService } from './classes.service';
import { ClassLogins, ClassTrainee, TrainingClass, TrainingClassCreated, TrainingClassSummary } from './classes.schemas';

const ACCESS = 'The class token, the operator token, or open controls.';

@ApiTags('Simulator: training classes')
@Controller('_sim/classes')
@SimControl({ classToken: true })
export class ClassesController {
  constructor(private readonly classes: ClassesService) {}

  @Post()
  @Doc({
    summary: 'Create a training class',
    description: `One training sandbox per trainee (1 to ${MAX_TRAINEES}), made in this request, each with its personas, projects and training app; if one cannot be made, those already made are deleted and nothing is kept. The answer is the only time the class token and the sandbox tokens are shown: the trainer's console keeps them. Only the operator token (or open controls) may create a class.`,
    ok: { description: 'The class with its token, and each trainee\'s sandbox with its token and logins', schema: TrainingClassCreated },
  })
  @ItemLocation((id) => `/_sim/classes/${id}`)
  create(@Req() req: FastifyRequest, @Body() dto: CreateClassDto): Promise<Record<string, unknown>> {
    assertOperator(req.simScope);
    return this.classes.create(dto.name, dto.trainees);
  }

  @Get()
  @Doc({ summary: 'List training classes', description: 'Every class for the operator (or open controls); a class token sees its own.', ok: { description: 'The classes, oldest first', schema: ArrayOf(TrainingClassSummary) } })
  list(@Req() req: FastifyRequest): Promise<Record<string, unknown>[]> {
    return this.classes.list(req.simScope?.kind === 'class' ? req.simScope.classId : undefined);
  }

  @Get(':class_id')
  @Doc({ summary: 'Read a training class', description: `Each trainee's sandbox, and who is signed in on it through the training app. ${ACCESS}`, ok: { description: 'The class', schema: TrainingClass } })
  get(@Param('class_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.classes.get(id);
  }

  @Get(':class_id/logins')
  @Doc({ summary: "A class's login sheet", description: `Each trainee's training app (its client_id, for the console's sign-in) and the personas' emails and password, to print. ${ACCESS}`, ok: { description: 'The logins, by trainee', schema: ClassLogins } })
  logins(@Param('class_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.classes.logins(id);
  }

  @Post(':class_id/actions/reset')
  @HttpCode(200)
  @Doc({ summary: "Reset every trainee's sandbox", description: `Each sandbox back to its seeded state, one after another (same ids and logins; sessions end). ${ACCESS}`, ok: { description: 'The class after the reset', schema: TrainingClass } })
  resetAll(@Param('class_id', IdPipe) id: number): Promise<Record<string, unknown>> {
    return this.classes.resetAll(id);
  }

  @Delete(':class_id')
  @HttpCode(204)
  @Doc({ summary: 'Delete a training class', description: `Deletes every trainee's sandbox and the class; its token stops working. ${ACCESS}`, ok: { description: 'Deleted' } })
  async remove(@Param('class_id', IdPipe) id: number): Promise<void> {
    await this.classes.remove(id);
  }

  @Post(':class_id/trainees/:trainee/actions/reset')
  @HttpCode(200)
  @Doc({ summary: "Reset one trainee's sandbox", description: `Back to its seeded state (same ids and logins; its sessions end). ${ACCESS}`, params: { trainee: { schema: ClassTrainee.properties.trainee, description: 'The trainee number' } }, ok: { description: 'The trainee after the reset', schema: ClassTrainee } })
  resetOne(@Param('class_id', IdPipe) id: number, @Param('trainee', IdPipe) trainee: number): Promise<Record<string, unknown>> {
    return this.classes.resetOne(id, trainee);
  }

  @Delete(':class_id/trainees/:trainee')
  @HttpCode(204)
  @Doc({ summary: "Delete one trainee's sandbox", description: `The class keeps its other trainees; the number is not given again. ${ACCESS}`, params: { trainee: { schema: ClassTrainee.properties.trainee, description: 'The trainee number' } }, ok: { description: 'Deleted' } })
  async removeOne(@Param('class_id', IdPipe) id: number, @Param('trainee', IdPipe) trainee: number): Promise<void> {
    await this.classes.removeOne(id, trainee);
  }
}
