import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, type Problem } from './api';

export interface Loaded<T> {
  data: T | undefined;
  problem: Problem | undefined;
  loading: boolean;
  reload: () => void;
}

export function problemOf(error: unknown): Problem {
  return error instanceof ApiError
    ? error.problem
    : { status: 0, title: 'Error', detail: String(error), code: 'error' };
}

/** Loads `fn()` when `key` changes; a refusal becomes the problem, shown by the page. */
export function useLoad<T>(fn: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T>();
  const [problem, setProblem] = useState<Problem>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    fn()
      .then((value) => {
        if (!live) return;
        setData(value);
        setProblem(undefined);
      })
      .catch((error: unknown) => {
        if (live) setProblem(problemOf(error));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, problem, loading, reload };
}
