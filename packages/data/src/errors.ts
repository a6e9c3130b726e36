/** The data package's one error of its own: a file whose bytes do not follow its format. */
import { ArgumentError } from '@dendrite/core';

/**
 * A malformed file or buffer (wrong magic number, truncated data, ragged CSV rows, an undecodable image).
 * It is an `ArgumentError`, so code that catches core's errors catches it too; its message names the
 * reader, the source, what was found and what the format expects.
 */
export class DataFormatError extends ArgumentError {}
