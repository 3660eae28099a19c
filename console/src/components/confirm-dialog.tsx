import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Problem } from '../api';
import { ProblemNotice } from './common';

/**
 * A modal confirm dialog on the native <dialog>: showModal() keeps focus inside, Escape
 * cancels, and focus goes back to the button that opened it. `onConfirm` runs the action;
 * a refusal is shown inside the dialog with the problem's detail.
 */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  children: ComponentChildren;
  onConfirm: (form: FormData) => Promise<void>;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const dialog = ref.current;
    dialog?.showModal();
    const first = dialog?.querySelector<HTMLElement>('input, textarea, select');
    (first ?? dialog?.querySelector<HTMLElement>('button[type=submit]'))?.focus();
    return () => opener?.focus();
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await props.onConfirm(new FormData(event.currentTarget as HTMLFormElement));
      ref.current?.close();
    } catch (error) {
      setProblem(
        error instanceof ApiError
          ? error.problem
          : { status: 0, title: 'Error', detail: String(error), code: 'error' },
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="dialog-title">{props.title}</h2>
        {props.children}
        <ProblemNotice problem={problem} />
        <div class="actions">
          <button type="button" onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
