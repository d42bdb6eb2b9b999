import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorMessage, ReasonField } from './ui';

export interface EditForm<F extends { reason: string }> {
  open: boolean;
  /** Opens the form with the fields as stored now (not as last typed). */
  start: () => void;
  close: () => void;
  f: F;
  setF: (f: F) => void;
  save: () => void;
  saving: boolean;
  error: unknown;
}

/**
 * An edit behind a button (series, event, rider): the fields start from what is stored, Save sends
 * them with the reason, success closes the form and refreshes, an error stays in place in words.
 */
export function useEditForm<F extends { reason: string }>(initial: () => F, send: (f: F) => Promise<unknown>, after: () => unknown): EditForm<F> {
  const [open, setOpen] = useState(false);
  const [f, setF] = useState(initial);
  const mutation = useMutation({
    mutationFn: () => send(f),
    onSuccess: async () => {
      setOpen(false);
      await after();
    },
  });
  return {
    open,
    start: () => {
      setF(initial());
      mutation.reset();
      setOpen(true);
    },
    close: () => setOpen(false),
    f,
    setF,
    save: () => mutation.mutate(),
    saving: mutation.isPending,
    error: mutation.error,
  };
}

/** The open form of a useEditForm: its fields, the reason, Save and Cancel. */
export function EditPanel<F extends { reason: string }>({ form, title, saveLabel, children }: { form: EditForm<F>; title: string; saveLabel: string; children: ReactNode }) {
  const id = useId();
  if (!form.open) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    form.save();
  };
  return (
    <form onSubmit={submit} aria-labelledby={id} className="panel">
      <h2 id={id}>{title}</h2>
      {children}
      <ReasonField value={form.f.reason} onChange={(reason) => form.setF({ ...form.f, reason })} />
      <button type="submit" disabled={form.saving}>
        {saveLabel}
      </button>
      <button type="button" onClick={form.close}>
        Cancel
      </button>
      <ErrorMessage error={form.error} />
    </form>
  );
}
