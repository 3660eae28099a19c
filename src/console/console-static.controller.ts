import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Controller, Get, Logger, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/http/auth.decorators';
import { ProblemException } from '../problem/problem';

/**
 * The console's page allows only its own origin: no inline script or style, no framing, no
 * form posting elsewhere. Vite's build emits nothing inline (console/vite.config.ts).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

interface StaticFile {
  body: Buffer;
  type: string;
}

/** Where `npm run build` puts the console (dist/console), from the source or the built file. */
export function consoleBuildDir(): string {
  const root = join(__dirname, '..', '..');
  return basename(root) === 'dist' ? join(root, 'console') : join(root, 'dist', 'console');
}

/** Loads the built console once: index.html and the hashed files under assets/. */
export function loadConsoleFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return files;
  files.set('index.html', { body: readFileSync(index), type: TYPES['.html'] });
  const assets = join(dir, 'assets');
  for (const name of existsSync(assets) ? readdirSync(assets) : []) {
    const type = TYPES[extname(name)];
    if (type) files.set(`assets/${name}`, { body: readFileSync(join(assets, name)), type });
  }
  return files;
}

/** Serves the operations console (docs/console.md) at /console, bundled: no CDN, air-gapped. */
@ApiExcludeController()
@Controller('console')
export class ConsoleStaticController {
  private readonly files: Map<string, StaticFile>;

  constructor() {
    const dir = consoleBuildDir();
    this.files = loadConsoleFiles(dir);
    if (!this.files.has('index.html')) {
      new Logger('Console').warn(`The console is not built (${dir}): npm run build builds it`);
    }
  }

  @Get()
  @Public()
  page(@Res() reply: FastifyReply): void {
    this.send(reply, 'index.html', 'no-cache');
  }

  @Get('assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    // names come from the map only: nothing from the URL reaches the file system
    this.send(reply, `assets/${file}`, 'public, max-age=31536000, immutable');
  }

  private send(reply: FastifyReply, name: string, cacheControl: string): void {
    const file = this.files.get(name);
    if (!file) {
      throw new ProblemException('not_found', {
        detail:
          name === 'index.html'
            ? 'The console is not built: run npm run build'
            : `No console file ${name}`,
      });
    }
    void reply
      .header('content-type', file.type)
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', cacheControl)
      .send(file.body);
  }
}
