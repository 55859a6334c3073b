/** Scenario figures: printed as a TAP diagnostic line (`# reliability …`) for the README. */
export function report(scenario: string, figures: Record<string, number | string>): void {
  process.stderr.write(`# reliability ${scenario}: ${JSON.stringify(figures)}\n`);
}
