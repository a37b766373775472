/**
 * @file Seeded pseudo-random numbers for reproducible weights.
 *
 * Only integer arithmetic and exactly rounded float operations are involved, so the sequence is
 * identical on every JavaScript engine and platform. A Gaussian via Box–Muller would need
 * `Math.log`/`Math.cos` for every weight, and ECMAScript does not specify their last bits, so a
 * Node upgrade could change the generated file. (The handful of constants computed with
 * `Math.pow`/`Math.log` elsewhere are rounded to float32, which absorbs last-bit differences.)
 */

/**
 * mulberry32: a tiny 32-bit PRNG with good enough statistics for random weights.
 * @param {number} seed Any 32-bit integer.
 * @returns {() => number} Function returning uniform floats in [0, 1).
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills a Float32Array with values drawn uniformly from [-a, a), where a = std·√3 so the
 * distribution has the requested standard deviation. Uniform weights behave like Gaussian ones
 * for our purposes (activations stay O(1)) and keep generation free of transcendental functions.
 * @param {() => number} rand Source from {@link mulberry32}.
 * @param {number} length Number of values.
 * @param {number} std Target standard deviation.
 * @param {number} [mean=0] Offset added to every value (e.g. 1 for norm weights).
 * @returns {Float32Array}
 */
export function uniformArray(rand, length, std, mean = 0) {
  const a = std * Math.sqrt(3);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = mean + (2 * rand() - 1) * a;
  return out;
}
