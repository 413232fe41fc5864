/**
 * AWS's own documented examples: each pattern, the log event the documentation shows it with, and whether the
 * documentation says it matches. The fixture names the page each case comes from.
 */
import fixture from '../fixtures/aws-documented-examples.json';
import { matchesLogEvent, type LogEvent } from '../../rule/pattern/evaluate';
import { parseFilterPattern } from '../../rule/pattern/parser';

interface DocumentedCase {
  source: string;
  section: string;
  pattern: string;
  event: string;
  matches: boolean;
  note?: string;
}

const sources = fixture.sources as Record<string, string>;
const events = fixture.events as Record<string, LogEvent>;
const cases = fixture.cases as DocumentedCase[];

describe('AWS documented filter-pattern examples', () => {
  it('cover JSON, term and regex patterns from every cited page', () => {
    const kinds = new Set(cases.map((c) => (c.pattern.trim().startsWith('{') ? 'json' : c.pattern.includes('%') ? 'regex' : 'terms')));
    expect([...kinds].sort()).toEqual(['json', 'regex', 'terms']);
    for (const c of cases) expect(sources[c.source]).toBeDefined();
  });

  it.each(cases.map((c) => [`${c.source} ${c.section}: ${c.pattern} on ${c.event}`, c] as const))('%s', (_name, c) => {
    const parsed = parseFilterPattern(c.pattern);
    if (!parsed.ok) throw new Error(`documented pattern rejected: ${parsed.error.message}`);
    const event = events[c.event];
    if (event === undefined) throw new Error(`fixture has no event ${c.event}`);
    expect(matchesLogEvent(parsed.pattern, event)).toBe(c.matches);
  });

  it.each(fixture.delimitedExamples.map((d) => [d.pattern] as const))('recognises the space-delimited pattern %s', (pattern) => {
    const parsed = parseFilterPattern(pattern);
    expect(parsed.ok && parsed.pattern.kind).toBe('delimited');
  });
});
