import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChangeLogEntry } from './change-log.entity';
import { ChangeLog } from './change-log.service';

@Global()
@Module({ imports: [TypeOrmModule.forFeature([ChangeLogEntry])], providers: [ChangeLog], exports: [ChangeLog] })
export class ChangesModule {}
