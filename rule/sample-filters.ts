/** Metric filter patterns found in real accounts and baselines, bundled for `npm start` (examples/metric-filters.json). */
import samples from '../examples/metric-filters.json';

export interface SampleFilter {
  name: string;
  pattern: string;
}

export const SAMPLE_FILTERS: SampleFilter[] = samples;
