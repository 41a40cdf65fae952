export { CsvSource } from './source.js';
