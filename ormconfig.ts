import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/database/data-source-options';

/**
 * Data source for the TypeORM CLI (`npm run migration:generate -- src/database/migrations/Name`).
 * It needs a running Postgres: DATABASE_URL, default the local development server.
 */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'),
);
