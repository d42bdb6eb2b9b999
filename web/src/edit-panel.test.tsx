// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EditPanel, useEditForm } from './edit-panel';
import { ApiError } from './api/errors';

afterEach(cleanup);

function Harness({ send, after }: { send: (f: { name: string; reason: string }) => Promise<unknown>; after: () => void }) {
  const [stored] = useState({ name: 'Round 1' });
  const edit = useEditForm(() => ({ name: stored.name, reason: '' }), send, after);
  return (
    <>
      {!edit.open && (
        <button type="button" onClick={edit.start}>
          Edit event
        </button>
      )}
      <EditPanel form={edit} title="Edit the event" saveLabel="Save event">
        <input aria-label="Event name" value={edit.f.name} onChange={(e) => edit.setF({ ...edit.f, name: e.target.value })} />
      </EditPanel>
    </>
  );
}

const mount = (send: (f: { name: string; reason: string }) => Promise<unknown>, after = vi.fn()) =>
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Harness send={send} after={after} />
    </QueryClientProvider>,
  );

describe('useEditForm with EditPanel', () => {
  it('sends the typed fields with the reason, closes and refreshes on success', async () => {
    const send = vi.fn().mockResolvedValue({});
    const after = vi.fn();
    mount(send, after);
    expect(screen.queryByRole('form')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Edit event' }));
    fireEvent.change(screen.getByLabelText('Event name'), { target: { value: 'Round 1 (rain)' } });
    fireEvent.change(screen.getByLabelText('Reason for the change'), { target: { value: 'Weather' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save event' }));
    await waitFor(() => expect(after).toHaveBeenCalledTimes(1));
    expect(send).toHaveBeenCalledWith({ name: 'Round 1 (rain)', reason: 'Weather' });
    expect(screen.queryByRole('button', { name: 'Save event' })).toBeNull();
  });

  it('keeps the form open with the API\'s words on a refusal; reopening after Cancel starts from the stored values', async () => {
    mount(() => Promise.reject(new ApiError(400, { message: 'date must be a date' })));
    fireEvent.click(screen.getByRole('button', { name: 'Edit event' }));
    fireEvent.change(screen.getByLabelText('Event name'), { target: { value: 'typo' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save event' }));
    expect((await screen.findByRole('alert')).textContent).toBe('date must be a date');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit event' }));
    expect((screen.getByLabelText('Event name') as HTMLInputElement).value).toBe('Round 1');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
