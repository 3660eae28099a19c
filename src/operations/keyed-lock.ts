import { Injectable } from '@nestjs/common';

/**
 * Runs work for the same key one at a time in this process, so two identical creates that
 * arrive together do not both reach the upstream: the second waits, then finds the first's
 * ledger row. (Across replicas the ledger's unique index still decides.)
 */
@Injectable()
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
