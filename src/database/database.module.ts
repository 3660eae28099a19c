import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { registerSecrets } from '@lib/redaction';
import { Database } from './database';
import { Liveness } from './liveness';
import { RepositoriesModule } from './repositories/repositories.module';

/** Where the options handed to @nestjs/typeorm carry the DataSource Database.open started. */
const OPENED = Symbol('opened DataSource');

/** The server (DATABASE_URL, or the embedded PostgreSQL 15), connected and migrated. */
@Module({
  providers: [
    {
      provide: Database,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<Database> => {
        const logger = new Logger('Database');
        const database = await Database.open(config.database);
        registerSecrets(database.embeddedPassword);
        logger.log(
          !database.isEmbedded
            ? 'Connected to Postgres from DATABASE_URL'
            : config.database.inMemory
              ? `Embedded PostgreSQL 15 on 127.0.0.1:${database.embeddedPort}, data in a temporary folder removed at exit`
              : `Embedded PostgreSQL 15 on 127.0.0.1:${database.embeddedPort}, data in ${config.database.dataDir}`,
        );
        return database;
      },
    },
    Liveness,
  ],
  exports: [Database, Liveness],
})
class DatabaseServerModule {}

/**
 * The data layer for the app: TypeORM registered the Nest way (`TypeOrmModule.forRootAsync`,
 * its DataSource the one Database.open started, migrated under the advisory lock, with the
 * embedded server's lifetime around it), and the repositories over its one pool.
 */
@Global()
@Module({
  imports: [
    DatabaseServerModule,
    TypeOrmModule.forRootAsync({
      imports: [DatabaseServerModule],
      inject: [Database],
      useFactory: (database: Database): TypeOrmModuleOptions => {
        const options = { ...database.dataSource.options, [OPENED]: database.dataSource };
        return options;
      },
      dataSourceFactory: (options) =>
        Promise.resolve((options as unknown as Record<typeof OPENED, DataSource>)[OPENED]),
    }),
    RepositoriesModule,
  ],
  exports: [DatabaseServerModule, TypeOrmModule, RepositoriesModule],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(Database) private readonly database: Database,
    private readonly liveness: Liveness,
  ) {}

  /** Last, after the worker and the requests drained: the liveness mark, then the pool and server. */
  async onApplicationShutdown(): Promise<void> {
    await this.liveness.close();
    await this.database.close();
  }
}
