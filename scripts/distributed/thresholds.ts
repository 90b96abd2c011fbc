// Pure: a k6 threshold expression ("p(95)<2000", "rate<0.01", "count>0") judged on merged stats,
// as k6 judges it on one instance's: the aggregation method, an operator, a number.
import { InputError } from '../errors.ts';

const EXPRESSION =
  /^\s*(avg|min|max|med|count|rate|value|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*$/i;

/** The stat an expression reads, in the names of k6's summary export ("rate" of a Rate is its "value"). */
export function thresholdStat(expression: string, stats: Record<string, unknown>): string {
  const match = EXPRESSION.exec(expression);
  if (!match)
    throw new InputError(`threshold "${expression}": expected METHOD OP NUMBER, such as p(95)<500.`);
  const method = (match[1] as string).toLowerCase();
  return method === 'rate' && !('rate' in stats) ? 'value' : method;
}

/** Whether the threshold held; a stat the merged data lacks (no sample at all) counts as 0, as in k6. */
export function thresholdHolds(expression: string, stats: Record<string, unknown>): boolean {
  const match = EXPRESSION.exec(expression) as RegExpExecArray;
  const value = stats[thresholdStat(expression, stats)];
  const observed = typeof value === 'number' ? value : 0;
  const bound = Number(match[4]);
  switch (match[3]) {
    case '<':
      return observed < bound;
    case '<=':
      return observed <= bound;
    case '>':
      return observed > bound;
    case '>=':
      return observed >= bound;
    case '!=':
      return observed !== bound;
    default:
      return observed === bound;
  }
}
