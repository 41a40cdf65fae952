export { StoreSource, selectCollections, type StoreSourceOptions } from './source.js';
