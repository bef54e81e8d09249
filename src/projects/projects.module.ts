import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Project } from './entities/project.entity';
import { ProjectTool } from './entities/project-tool.entity';
import { CostCodesController } from './cost-codes.controller';
import { CostCodesService } from './cost-codes.service';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';
import { ToolsService } from './tools.service';

@Module({
  imports: [TypeOrmModule.forFeature([Project, ProjectTool])],
  providers: [ProjectsService, ToolsService, CostCodesService],
  controllers: [ProjectsController, CostCodesController],
  exports: [ProjectsService],
})
export class ProjectsModule {}
