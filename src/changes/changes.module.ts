import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChangeLogEntry } from './change-log.entity';
import { ChangeLog } from './change-log.service';
import { ChangesController } from './changes.controller';

@Global()
@Module({ imports: [TypeOrmModule.forFeature([ChangeLogEntry])], providers: [ChangeLog], controllers: [ChangesController], exports: [ChangeLog] })
export class ChangesModule {}
