import { transposeFunction } from './dist/codegen/transpose.js';
