/**
 * Prints a pattern tree as canonical text: one space around operators, string values always double-quoted,
 * parentheses only where `||` sits inside `&&`. Parsing the printed text gives back the same tree.
 */
import type { Condition, Expression, FilterPattern, Selector, Term, Value } from './ast';
import { isCondition } from './ast';

const PLAIN_NAME = /^[A-Za-z0-9_-]+$/;

export function printSelector(selector: Selector): string {
  let out = '$';
  for (const segment of selector.segments) {
    switch (segment.kind) {
      case 'key':
        out += PLAIN_NAME.test(segment.name) ? `.${segment.name}` : `.['${segment.name}']`;
        break;
      case 'index':
        out += `[${segment.index}]`;
        break;
      case 'anyKey':
        out += '.*';
        break;
      case 'anyIndex':
        out += '[*]';
        break;
    }
  }
  return out;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function printValue(value: Value): string {
  switch (value.kind) {
    case 'string':
      return quote(value.text);
    case 'number':
      return Object.is(value.value, -0) ? '-0' : String(value.value);
    case 'regex':
      return `%${value.source}%`;
  }
}

export function printCondition(condition: Condition): string {
  const selector = printSelector(condition.selector);
  switch (condition.kind) {
    case 'compare':
      return `${selector} ${condition.operator} ${printValue(condition.value)}`;
    case 'is':
      return `${selector} IS ${condition.test}`;
    case 'notExists':
      return `${selector} NOT EXISTS`;
  }
}

export function printExpression(expression: Expression): string {
  if (isCondition(expression)) return printCondition(expression);
  if (expression.kind === 'or') return expression.operands.map(printExpression).join(' || ');
  return expression.operands.map((o) => (o.kind === 'or' ? `(${printExpression(o)})` : printExpression(o))).join(' && ');
}

function printTerm(term: Term): string {
  const sign = term.mode === 'any' ? '?' : term.mode === 'exclude' ? '-' : '';
  return sign + (term.regex ? `%${term.text}%` : quote(term.text));
}

export function printPattern(pattern: FilterPattern): string {
  switch (pattern.kind) {
    case 'json':
      return `{ ${printExpression(pattern.expression)} }`;
    case 'terms':
      return pattern.terms.map(printTerm).join(' ');
    case 'delimited':
      return pattern.text;
  }
}
