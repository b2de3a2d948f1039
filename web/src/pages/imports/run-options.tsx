import { useLists } from '../../queries.ts';

export interface RunOptionsValue {
  mode: 'upsert' | 'create-only' | 'update-only';
  empty_cells: 'leave' | 'clear';
  /** A list name: an existing list, or a new one created by the run. */
  list: string;
  /** Tag names, comma-separated. */
  tags: string;
  default_tag: boolean;
}

export const DEFAULT_RUN_OPTIONS: RunOptionsValue = { mode: 'upsert', empty_cells: 'leave', list: '', tags: '', default_tag: true };

/** The part of the run request these options make (docs/imports.md, "Mapping"). */
export function runOptionsBody(o: RunOptionsValue) {
  return {
    mode: o.mode,
    empty_cells: o.empty_cells,
    ...(o.list.trim() ? { list: { name: o.list.trim() } } : {}),
    tags: [...new Set(o.tags.split(',').map((t) => t.trim()).filter(Boolean))],
    default_tag: o.default_tag,
  };
}

/** What happens to every imported profile (a list, tags) and how rows meet existing profiles. */
export function RunOptions({ value, onChange, disabled }: { value: RunOptionsValue; onChange: (v: RunOptionsValue) => void; disabled?: boolean }) {
  const lists = useLists();
  const set = <K extends keyof RunOptionsValue>(k: K, v: RunOptionsValue[K]) => onChange({ ...value, [k]: v });
  return (
    <fieldset className="run-options" disabled={disabled}>
      <div className="row">
        <label className="grow">Add every imported profile to a list
          <input list="import-lists" value={value.list} onChange={(e) => set('list', e.target.value)} placeholder="No list (type a name: a new one is created)" />
        </label>
        <datalist id="import-lists">{lists.data?.map((l) => <option key={l.id} value={l.name} />)}</datalist>
        <label className="grow">Tag every imported profile
          <input value={value.tags} onChange={(e) => set('tags', e.target.value)} placeholder="Tag names, separated by commas" />
        </label>
      </div>
      <label className="inline">
        <input type="checkbox" checked={value.default_tag} onChange={(e) => set('default_tag', e.target.checked)} />
        Also tag them with the import's date and time (“import YYYY-MM-DD HH:MM”), to find or undo this import later
      </label>
      <div className="row">
        <label>Rows and existing profiles
          <select value={value.mode} onChange={(e) => set('mode', e.target.value as RunOptionsValue['mode'])}>
            <option value="upsert">create new profiles and update known ones</option>
            <option value="create-only">only create: reject rows of known profiles</option>
            <option value="update-only">only update: reject rows of unknown profiles</option>
          </select>
        </label>
        <label>Empty cells
          <select value={value.empty_cells} onChange={(e) => set('empty_cells', e.target.value as RunOptionsValue['empty_cells'])}>
            <option value="leave">leave the attribute as it is</option>
            <option value="clear">clear the attribute</option>
          </select>
        </label>
      </div>
    </fieldset>
  );
}
