import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../../ports/id-generator.ts';

/**
 * `<prefix>_<time><counter><random>`: sorts by creation time (lexically, within a process and
 * across processes to the millisecond), readable in logs, unguessable enough for run ids.
 */
export class TimeOrderedIdGenerator implements IdGenerator {
  #lastMs = 0;
  #counter = 0;

  next(prefix: string): string {
    const now = Date.now();
    if (now === this.#lastMs) this.#counter += 1;
    else {
      this.#lastMs = now;
      this.#counter = 0;
    }
    const time = now.toString(36).padStart(9, '0');
    const counter = this.#counter.toString(36).padStart(3, '0');
    const random = randomBytes(5).toString('hex');
    return `${prefix}_${time}${counter}${random}`;
  }
}
