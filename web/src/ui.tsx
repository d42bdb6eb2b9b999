import { cloneElement, isValidElement, useId, useState, type ReactElement, type ReactNode } from 'react';
import { errorText } from './api/errors';
import { pageOf } from './logic';

/** An API error in words, announced to screen readers. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {errorText(error)}
    </p>
  );
}

/** A list shown a page at a time, with labelled previous/next buttons. */
export function Paged<T>({ items, size = 20, label, children }: { items: T[]; size?: number; label: string; children: (page: T[]) => ReactNode }) {
  const [page, setPage] = useState(0);
  const view = pageOf(items, page, size);
  return (
    <>
      {children(view.items)}
      {view.pages > 1 && (
        <nav aria-label={`${label} pages`} className="pager">
          <button type="button" disabled={view.page === 0} onClick={() => setPage(view.page - 1)}>
            Previous page
          </button>
          <span>
            Page {view.page + 1} of {view.pages}
          </span>
          <button type="button" disabled={view.page >= view.pages - 1} onClick={() => setPage(view.page + 1)}>
            Next page
          </button>
        </nav>
      )}
    </>
  );
}

/** A destructive action asks once more, in place (no browser dialog). */
export function ConfirmButton({ label, confirmLabel, onConfirm, disabled }: { label: string; confirmLabel: string; onConfirm: () => void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="danger" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <span role="group" aria-label={`Confirm: ${label}`} className="confirm">
      <button
        type="button"
        className="danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

export function Loading({ what }: { what: string }) {
  return <p aria-busy="true">Loading {what}…</p>;
}

/**
 * A labelled control: the label names only the control (a wrapping label would make the hint
 * and a select's options part of its name); the hint is its description.
 */
export function Field({ label, children, hint }: { label: string; children: ReactElement<{ id?: string; 'aria-describedby'?: string }>; hint?: string }) {
  const id = useId();
  const control = isValidElement(children) ? cloneElement(children, { id, 'aria-describedby': hint ? `${id}-hint` : undefined }) : children;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  );
}

/** A table's head: one header cell per column name. */
export function Head({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th scope="col" key={c}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
