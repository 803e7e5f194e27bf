export { BoundedMap } from './bounded-map';
export { chunksOf } from './chunks';
