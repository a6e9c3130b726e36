/**
 * @dendrite/core for Node (chosen by the `node` export condition): everything of the default entry, with
 * memory scopes that follow the async context (AsyncLocalStorage), so concurrent async `tidy` bodies each
 * own their tensors.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { engine, type Scope } from './engine.js';

engine.useAsyncContext(new AsyncLocalStorage<Scope | null>());

export * from './index.js';
