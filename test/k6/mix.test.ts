// lib/mix.ts inside k6: a weighted cycle holds each task as often as its weight, spread out.
import { weightedCycle } from '../../lib/mix.ts';
import { assertEqual, assertThrows, test, testOptions } from './harness.ts';

export const options = testOptions;

const count = (cycle: string[], task: string) => cycle.filter((t) => t === task).length;

export default function (): void {
  test("seed 002's Locust weights 10:5:5:2: 22 tasks, each as often as its weight", () => {
    const cycle = weightedCycle([
      ['health', 10],
      ['config', 5],
      ['capabilities', 5],
      ['workflows', 2],
    ]);
    assertEqual(cycle.length, 22, 'cycle length');
    assertEqual(
      ['health', 'config', 'capabilities', 'workflows'].map((t) => count(cycle, t)),
      [10, 5, 5, 2],
      'tasks per cycle',
    );
  });
  test('the weights are spread: any 11 tasks in a row (half the cycle) hold each within one of half its weight', () => {
    const weights: [string, number][] = [
      ['h', 10],
      ['c', 5],
      ['p', 5],
      ['w', 2],
    ];
    const cycle = weightedCycle(weights);
    for (let start = 0; start < cycle.length; start++) {
      const window = [...cycle, ...cycle].slice(start, start + 11);
      for (const [task, weight] of weights) {
        const off = Math.abs(count(window, task) - weight / 2);
        if (off > 1)
          throw new Error(`${task} ${count(window, task)} times in the 11 from ${start}, weight ${weight}`);
      }
    }
    // A cycle in blocks (all health first) would not be: it is the spreading that is tested.
    assertEqual(cycle.slice(0, 4).join(''), 'hcph', 'the cycle begins');
  });
  test('a weight that is not a whole number above 0 is refused, naming the task', () => {
    assertThrows(
      () =>
        weightedCycle([
          ['a', 1],
          ['b', 0],
        ]),
      /weight 0 of task 2: expected a whole number above 0/,
    );
  });
}
