import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { WriteTimeSubscriber } from './write-time';
// Installs the pg type parsers every connection of the app uses.
import './pg-types';

export const MIGRATIONS_GLOB = join(__dirname, '..', '..', 'migrations', '*.{ts,js}');

export function dataSourceOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    namingStrategy: new SnakeNamingStrategy(),
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'schema_migrations',
    subscribers: [WriteTimeSubscriber],
    synchronize: false,
    // Failed queries surface as errors the exception filter logs; TypeORM's own log would print
    // parameters (password hashes among them) and every expected constraint refusal.
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 5000 },
  };
}
