/** The database a Jest worker uses on the run's server: `<base>_w<id>` (or `<base>_scratch`). */
export function workerDatabaseName(baseUrl: string, worker: number | 'scratch'): string {
  const base = new URL(baseUrl).pathname.slice(1) || 'postgres';
  return `${base}_${worker === 'scratch' ? 'scratch' : `w${worker}`}`;
}

export function databaseUrl(baseUrl: string, name: string): string {
  const target = new URL(baseUrl);
  target.pathname = `/${name}`;
  return target.toString();
}
