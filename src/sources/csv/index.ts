export { CsvSource } from './source.js';
export { parseOtavaCsv, type CsvSeries, type CsvSeriesOptions } from './otava-csv.js';
