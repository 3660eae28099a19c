export * from './upstream-error';
export * from './retry-after';
export * from './audit-body';
export * from './upstream-http.types';
export * from './upstream-http.client';
export * from './upstream-http.constants';
export * from './upstream-http.factory';
export * from './upstream-http.module';
