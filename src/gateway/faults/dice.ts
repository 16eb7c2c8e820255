// The seeded draws behind fault rules' `rate` (DESIGN.md §12): one generator per gateway, seeded by
// `proxy.faults_seed` (or a random seed chosen at start), so the same requests in the same order
// meet the same faults. A reload that keeps the seed keeps the sequence going; a new seed restarts it.
import { randomInt } from 'node:crypto';

export class FaultDice {
  private seed: number;
  private state: number;

  constructor(private readonly randomSeed: number = randomInt(0, 2 ** 32 - 1)) {
    this.seed = randomSeed;
    this.state = randomSeed;
  }

  /** A number in [0, 1) from the sequence of `seed` (null: this gateway's random seed). */
  draw(seed: number | null): number {
    const wanted = seed ?? this.randomSeed;
    if (wanted !== this.seed) {
      this.seed = wanted;
      this.state = wanted;
    }
    // mulberry32: small, fast and well distributed enough for a probability
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Whether a rule of this rate fires: 1 always and 0 never, without a draw; else one draw. */
  fires(rate: number, seed: number | null): boolean {
    if (rate >= 1) return true;
    if (rate <= 0) return false;
    return this.draw(seed) < rate;
  }
}
