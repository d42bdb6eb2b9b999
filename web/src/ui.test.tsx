// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfirmButton, ErrorMessage, Field, Paged } from './ui';
import { ApiError } from './api/errors';

afterEach(cleanup);

describe('ConfirmButton', () => {
  it('acts only after the second, explicit click; Cancel backs out', () => {
    const onConfirm = vi.fn();
    render(<ConfirmButton label="Delete Ann Lee" confirmLabel="Yes, delete the row" onConfirm={onConfirm} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete Ann Lee' }));
    expect(onConfirm).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete Ann Lee' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete the row' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});

describe('Field', () => {
  it('names its control by the label alone; the hint describes it', () => {
    render(
      <Field label="Import as" hint="A draft feeds nothing">
        <select>
          <option>Provisional</option>
        </select>
      </Field>,
    );
    const select = screen.getByLabelText('Import as');
    expect(select.tagName).toBe('SELECT');
    expect(screen.getByRole('combobox', { name: 'Import as', description: 'A draft feeds nothing' })).toBe(select);
  });
});

describe('Paged', () => {
  it('shows a page at a time with labelled buttons', () => {
    render(<Paged items={Array.from({ length: 25 }, (_, i) => `item ${i}`)} size={10} label="Things">{(page) => <ul>{page.map((p) => <li key={p}>{p}</li>)}</ul>}</Paged>);
    expect(screen.getAllByRole('listitem')).toHaveLength(10);
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['item 20', 'item 21', 'item 22', 'item 23', 'item 24']);
    expect(screen.getByRole('button', { name: 'Next page' })).toHaveProperty('disabled', true);
  });
});

describe('ErrorMessage', () => {
  it("says the API's problem in words: validation fields, a message, or the status", () => {
    render(<ErrorMessage error={new ApiError(400, { statusCode: 400, message: 'Validation failed', errors: [{ field: 'position', message: 'must be at least 1' }] })} />);
    expect(screen.getByRole('alert').textContent).toBe('position: must be at least 1');
    cleanup();
    render(<ErrorMessage error={new ApiError(409, { message: 'Result set 4 is APPROVED and cannot be edited' })} />);
    expect(screen.getByRole('alert').textContent).toBe('Result set 4 is APPROVED and cannot be edited');
    cleanup();
    render(<ErrorMessage error={new ApiError(0, null)} />);
    expect(screen.getByRole('alert').textContent).toMatch(/did not answer/);
  });
});
