/**
 * How the command line names a control in its tables: its CIS numbers. Apart from cli.ts so that `evaluate`
 * (cli-evaluate.ts, loaded with the AWS SDK) prints the same columns.
 */
import type { CisVersion, Control } from './controls/control';

/** A control's CIS numbers across the versions, oldest first: "3.1/4.1/5.1" (4.15 did not exist in v1.2). */
export function cisNumbers(control: Control): string {
  const { 'v1.2': v12, 'v1.3-v5.0': v13, 'v6.0-v7.0': v6 } = control.cisNumbers;
  return [v12, v13, v6].filter((n) => n !== undefined).join('/');
}

/** The control's number in one CIS version (5.3 in v7.0, 4.3 in v5.0, 3.3 in v1.2); '-' where it does not exist. */
export function cisNumber(control: Control, version: CisVersion): string {
  const { cisNumbers: numbers } = control;
  if (version === '1.2') return numbers['v1.2'] ?? '-';
  return version === '6.0' || version === '7.0' ? numbers['v6.0-v7.0'] : numbers['v1.3-v5.0'];
}

/** Width of the column of control ids. */
export function controlIdWidth(controls: readonly Control[]): number {
  return Math.max(...controls.map((c) => c.id.length));
}
