import { rename, copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import type { Analysis, ReadOptions } from './analyze.ts';
import type { RunPlan } from './plan.ts';

export const IMPORT_STATUSES = ['analyzing', 'ready', 'running', 'done', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** A row of the imports table (migration 008). */
export interface ImportRow {
  id: string;
  workspace_id: string;
  status: ImportStatus;
  file_name: string;
  file_path: string;
  file_size: number;
  options: ReadOptions;
  analysis: Analysis | null;
  plan: RunPlan | null;
  total_rows: number | null;
  rows_done: number;
  byte_offset: number | null;
  rows_read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error: string | null;
  attempts: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

/**
 * Where imported files wait until their import ends: `<dir>/<import id>/file.<ext>`. The directory must
 * outlive a restart (a running import resumes from its file), so the server keeps it in its data
 * directory (AUDIENCE_IMPORT_DIR); several servers resuming each other's imports need it shared.
 */
export class ImportFiles {
  constructor(readonly dir: string) {}

  /** Moves (or, across file systems, copies) a file in; returns its new path. */
  async put(args: { id: string; from: string; name: string; move: boolean }): Promise<string> {
    const folder = join(resolve(this.dir), args.id);
    await mkdir(folder, { recursive: true });
    const to = join(folder, `file${extname(args.name).toLowerCase()}`);
    if (args.move) {
      try {
        await rename(args.from, to);
        return to;
      } catch (err) {
        if ((err as { code?: string }).code !== 'EXDEV') throw err;
      }
    }
    await copyFile(args.from, to);
    return to;
  }

  /** Removes an import's file (when it ends or is deleted). */
  async remove(path: string): Promise<void> {
    const folder = dirname(path);
    // Only the import's own folder; a file elsewhere (a store moved since) is removed alone.
    await rm(dirname(folder) === resolve(this.dir) ? folder : path, { recursive: true, force: true });
  }
}
