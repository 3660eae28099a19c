import { Injectable } from '@nestjs/common';

/** Set when the process starts shutting down: readiness fails from then on. */
@Injectable()
export class ShutdownState {
  private shuttingDown = false;

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  begin(): void {
    this.shuttingDown = true;
  }
}
