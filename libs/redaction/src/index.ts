export * from './redaction';
export * from './secret-values';
