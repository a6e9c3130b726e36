export { SqueezeExcitation, type SqueezeExcitationOptions } from './squeeze-excitation.js';
