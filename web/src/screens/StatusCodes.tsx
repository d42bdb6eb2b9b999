import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { ConfirmButton, ErrorMessage, Field, Head, HistoryLink, Loading } from '../ui';

type StatusCode = components['schemas']['StatusCodeView'];

const CODES_KEY = ['status-codes'];

/**
 * The status-code registry (GET /api/status-codes): Podium's built-in codes with their meaning,
 * and the organiser's own, which can be added, given another meaning, or deleted while nothing
 * uses them (the server says in words what still does).
 */
export function StatusCodesScreen() {
  const codes = useQuery({ queryKey: CODES_KEY, queryFn: () => ok(api.GET('/api/status-codes')) });
  const own = codes.data?.items.filter((c) => !c.builtIn) ?? [];
  const builtIn = codes.data?.items.filter((c) => c.builtIn) ?? [];
  return (
    <>
      <h1>Status codes</h1>
      <p>
        The codes a result may carry instead of, or beside, a place. Add your own (for example OTL, over the time limit): results and imports can then
        carry it, and a points scale can say how it scores; one that a scale does not name scores as a DNF there.
      </p>
      <div className="columns">
        <NewCode />
        <section aria-labelledby="own-codes">
          <h2 id="own-codes">Your codes</h2>
          <ErrorMessage error={codes.error} />
          {!codes.data && !codes.error && <Loading what="the status codes" />}
          {codes.data && own.length === 0 && <p>No codes of your own yet.</p>}
          {own.length > 0 && (
            <div className="scroll">
              <table>
                <caption className="sr-only">Organiser-defined status codes</caption>
                <Head columns={['Code', 'Meaning', 'Actions']} />
                <tbody>
                  {own.map((code) => (
                    <OwnCode key={code.code} code={code} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
      <section aria-labelledby="built-in-codes">
        <h2 id="built-in-codes">Built-in codes</h2>
        {builtIn.length > 0 && (
          <div className="scroll">
            <table>
              <caption className="sr-only">Built-in status codes</caption>
              <Head columns={['Code', 'Meaning']} />
              <tbody>
                {builtIn.map((code) => (
                  <tr key={code.code}>
                    <td>
                      <code>{code.code}</code>
                    </td>
                    <td>{code.label}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function NewCode() {
  const queries = useQueryClient();
  const [code, setCode] = useState('');
  const [label, setLabel] = useState('');
  const create = useMutation({
    mutationFn: () => ok(api.POST('/api/status-codes', { body: { code: code.trim().toUpperCase(), label: label.trim() } })),
    onSuccess: () => {
      setCode('');
      setLabel('');
      return queries.invalidateQueries({ queryKey: CODES_KEY });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section aria-labelledby="new-code">
      <h2 id="new-code">New status code</h2>
      <form onSubmit={submit}>
        <Field label="Code" hint="2 to 10 capital letters and digits, a letter first">
          <input value={code} onChange={(e) => setCode(e.target.value)} required maxLength={10} autoCapitalize="characters" />
        </Field>
        <Field label="Meaning">
          <input value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={200} />
        </Field>
        <button type="submit" disabled={create.isPending}>
          Add code
        </button>
        <ErrorMessage error={create.error} />
        {create.data && (
          <p role="status">
            Added {create.data.code} ({create.data.label}).
          </p>
        )}
      </form>
    </section>
  );
}

/** One organiser-defined code: its meaning edited in place, or the code deleted after a confirmation. */
function OwnCode({ code }: { code: StatusCode }) {
  const queries = useQueryClient();
  const [label, setLabel] = useState(code.label);
  const refresh = () => queries.invalidateQueries({ queryKey: CODES_KEY });
  const save = useMutation({
    mutationFn: () => ok(api.PATCH('/api/status-codes/{code}', { params: { path: { code: code.code } }, body: { label: label.trim() } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => ok(api.DELETE('/api/status-codes/{code}', { params: { path: { code: code.code } } })),
    onSuccess: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <tr>
      <td>
        <code>{code.code}</code>
      </td>
      <td>
        <form onSubmit={submit} className="inline">
          <input aria-label={`Meaning of ${code.code}`} value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={200} />
          <button type="submit" disabled={save.isPending || label.trim() === code.label}>
            Save
          </button>
        </form>
        <ErrorMessage error={save.error ?? remove.error} />
      </td>
      <td>
        <ConfirmButton label={`Delete ${code.code}`} confirmLabel={`Yes, delete ${code.code}`} disabled={remove.isPending} onConfirm={() => remove.mutate()} />{' '}
        <HistoryLink entity="status_code" id={code.code} aria-label={`History of ${code.code}`} />
      </td>
    </tr>
  );
}
