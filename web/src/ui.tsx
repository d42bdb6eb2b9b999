import { cloneElement, isValidElement, useId, useState, type ReactElement, type ReactNode } from 'react';
import { errorText } from './api/errors';
import { pageOf } from './logic';
import { Link } from './router';

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

/** Previous/next for a list the server pages (offset/limit/total): the caller keeps the page. */
export function ServerPager({ label, page, size, total, onPage }: { label: string; page: number; size: number; total: number; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / size));
  if (pages <= 1) return null;
  return (
    <nav aria-label={`${label} pages`} className="pager">
      <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)}>
        Previous page
      </button>
      <span>
        Page {page + 1} of {pages} ({total})
      </span>
      <button type="button" disabled={page >= pages - 1} onClick={() => onPage(page + 1)}>
        Next page
      </button>
    </nav>
  );
}

/** Why a change is made: kept in the audit log (sent as X-Reason). Optional. */
export function ReasonField({ value, onChange, label = 'Reason for the change' }: { value: string; onChange: (v: string) => void; label?: string }) {
  return (
    <Field label={label} hint="Optional; kept in the audit log with your name.">
      <input value={value} maxLength={500} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

/** The DRAFT notes (and other warnings) of a write's answer, where the organiser sees them. */
export function Warnings({ warnings }: { warnings?: string[] | null }) {
  if (!warnings || warnings.length === 0) return null;
  return (
    <div role="status" className="warnings">
      {warnings.map((w) => (
        <p key={w} className="warning">
          Warning: {w}
        </p>
      ))}
    </div>
  );
}

/** A link to the audit log filtered on one thing. */
export function HistoryLink({ entity, id, children = 'History', ...rest }: { entity: string; id: number | string; children?: ReactNode; 'aria-label'?: string }) {
  return (
    <Link to={`/audit?entity=${encodeURIComponent(entity)}&entityId=${encodeURIComponent(String(id))}`} className="history" {...rest}>
      {children}
    </Link>
  );
}
