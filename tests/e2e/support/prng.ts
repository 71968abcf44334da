/**
 * A small seeded pseudo-random generator (xorshift32) for reproducible fuzzing: the same seed
 * generates the same requests, so a failure found once can be replayed with FUZZ_SEED.
 */
export function seededRandom(seed: number) {
  let state = seed >>> 0 || 0x9e3779b9; // xorshift never leaves 0
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  return {
    int,
    pick,
    chance: (probability: number) => next() < probability,
    /** `length` characters drawn from `alphabet`. */
    string: (length: number, alphabet: string) => Array.from({ length }, () => alphabet[int(0, alphabet.length - 1)]).join(''),
    /** Runs one of the weighted choices. */
    weighted: <T>(choices: readonly [number, () => T][]): T => {
      let roll = next() * choices.reduce((sum, [weight]) => sum + weight, 0);
      for (const [weight, choose] of choices) {
        roll -= weight;
        if (roll < 0) return choose();
      }
      return choices[choices.length - 1][1]();
    },
  };
}

export type Random = ReturnType<typeof seededRandom>;
