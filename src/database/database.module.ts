import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { registerSecrets } from '@lib/redaction';
import { Database } from './database';

@Global()
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
    { provide: DataSource, inject: [Database], useFactory: (db: Database) => db.dataSource },
  ],
  exports: [Database, DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
