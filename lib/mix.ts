// A mix of tasks by weight as a fixed cycle, the weights spread out (smooth weighted round-robin,
// as nginx balances upstreams): any stretch of the cycle is near the weights, so a short run sees
// every task in its share. Locust draws tasks at random by weight; a cycle cannot drift from it.

/** One cycle of sum(weights) tasks, each as often as its weight. */
export function weightedCycle<T>(weights: readonly (readonly [T, number])[]): T[] {
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const weight = (weights[i] as readonly [T, number])[1];
    if (!(Number.isInteger(weight) && weight > 0))
      throw new Error(`weight ${String(weight)} of task ${i + 1}: expected a whole number above 0`);
    total += weight;
  }
  const credit = weights.map(() => 0);
  const cycle: T[] = [];
  for (let slot = 0; slot < total; slot++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      credit[i] = (credit[i] as number) + (weights[i] as readonly [T, number])[1];
      if ((credit[i] as number) > (credit[best] as number)) best = i;
    }
    credit[best] = (credit[best] as number) - total;
    cycle.push((weights[best] as readonly [T, number])[0]);
  }
  return cycle;
}
