/**
 * Runs one invalid call on the current backend: it must raise the case's typed error naming the op the
 * user called (a result, any other error or a leak fails the case).
 */
import { DendriteError } from '../errors.js';
import { dispose, memory, type TensorContainer, tidy } from '../memory.js';
import type { InvalidCall } from './invalid-calls.js';
import { leakSince } from './leak-since.js';
import type { CaseResult } from './schema.js';

export async function runInvalidCall(c: InvalidCall): Promise<CaseResult> {
  const base = { source: 'invalid', name: c.name, op: c.op, maxAbsErr: 0, maxRelErr: 0 };
  const before = memory();
  let failure: string | undefined;
  try {
    await tidy(async () => {
      const result = await c.call();
      dispose(result as TensorContainer);
    });
    failure = `returned a result; expected ${c.error.name} naming '${c.op}'`;
  } catch (e) {
    failure = judge(c, e);
  }
  if (!failure) failure = leakSince(before, 'the error');
  return failure ? { ...base, status: 'fail', reason: failure } : { ...base, status: 'pass' };
}

function judge(c: InvalidCall, e: unknown): string | undefined {
  const got = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  if (!(e instanceof DendriteError)) return `threw ${got}; expected ${c.error.name} naming '${c.op}'`;
  if (!(e instanceof c.error)) return `threw ${got}; expected ${c.error.name}`;
  if (e.op !== c.op || !e.message.startsWith(`${c.op}: `))
    return `threw ${got}; expected it to name '${c.op}'`;
  if (c.mentions && !e.message.includes(c.mentions))
    return `threw ${got}; expected the message to show '${c.mentions}'`;
  if (e.message.includes('null') && !c.name.includes('null')) return undefined;
}
