import { useState, type ReactNode } from 'react';

/**
 * A file picker that also takes a dropped file. It is a <label> around the native input, so the picker
 * stays keyboard reachable and screen readers announce it; the drop area is only a larger target.
 */
export function FileDrop({ accept, onFile, disabled, children, label }: {
  accept: string; onFile: (f: File) => void; disabled?: boolean; children: ReactNode; label: string;
}) {
  const [over, setOver] = useState(false);
  return (
    <label className={`dropzone${over ? ' dragging' : ''}`} data-testid="file-drop"
      onDragOver={(e) => { e.preventDefault(); if (!disabled) setOver(true); }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const f = e.dataTransfer.files[0];
        if (f && !disabled) onFile(f);
      }}>
      {children}
      <input type="file" accept={accept} aria-label={label} disabled={disabled}
        onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) onFile(f); }} />
    </label>
  );
}
