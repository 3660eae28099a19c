import { Global, Module } from '@nestjs/common';
import { ShutdownState } from './shutdown-state';

/**
 * The process's shutdown flag: global because it is one per process by nature (readiness, the
 * queue worker and the HTTP layer all read it).
 */
@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class ShutdownModule {}
