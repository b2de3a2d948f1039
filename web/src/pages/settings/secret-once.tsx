import { Modal } from '../../ui/modal.tsx';

/** A secret the server shows once (an API key, a webhook's signing secret): stored now or lost. */
export function SecretOnce({ title, secret, onClose }: { title: string; secret: string | undefined; onClose: () => void }) {
  return (
    <Modal open={!!secret} onClose={onClose} title={title} footer={<button type="button" className="primary" onClick={onClose}>I have stored it</button>}>
      <p>This is the only time it is shown. Store it now.</p>
      <pre className="secret"><code>{secret}</code></pre>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(secret ?? '')}>Copy</button>
    </Modal>
  );
}
