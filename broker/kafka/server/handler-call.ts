/**
 * Calls a request handler that may answer synchronously or with a promise. Exactly one callback
 * runs. A synchronous answer stays synchronous (no extra microtask), so pipelined requests
 * answered at once leave in the same tick, in one writev.
 */
export type HandlerAnswer = Promise<Buffer | null> | Buffer | null;

export function callHandler(invoke: () => HandlerAnswer, onAnswer: (response: unknown) => void, onError: (err: unknown) => void): void {
  let result: HandlerAnswer;
  try {
    result = invoke();
  } catch (err) {
    onError(err);
    return;
  }
  if (isThenable(result)) result.then(onAnswer, onError);
  else onAnswer(result);
}

function isThenable(value: unknown): value is Promise<Buffer | null> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
