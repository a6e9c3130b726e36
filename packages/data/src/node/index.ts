/**
 * @dendrite/data/node — the Node-only half of the package: reading files (IDX, CIFAR-10, CSV, PNG
 * folders, gzip through node:zlib), the bundled digits and Iris sets, and Fashion-MNIST from Debian's
 * package. Everything else is in the browser-safe main entry, `@dendrite/data`.
 */
export { digits, iris } from './bundled.js';
export { type Cifar10Options, cifar10, readCifar10 } from './cifar10.js';
export { readCsv } from './csv.js';
export {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
  fashionMnist,
  type MnistOptions,
  mnist,
} from './fashion-mnist.js';
export { readIdx } from './idx.js';
export { ImageFolderDataset, type ImageFolderOptions, imageFolder } from './image-folder.js';
export { readBytes } from './read-bytes.js';
