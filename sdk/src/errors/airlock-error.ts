/** The base of every error the SDK throws; `isAirlockError` also works across realms and duplicate installs. */
export class AirlockError extends Error {
  override name = 'AirlockError';
  get isAirlockError(): true {
    return true;
  }
}

export const isAirlockError = (error: unknown): error is AirlockError =>
  typeof error === 'object' && error !== null && (error as { isAirlockError?: unknown }).isAirlockError === true;
