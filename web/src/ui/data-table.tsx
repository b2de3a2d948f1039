import {
  flexRender, getCoreRowModel, useReactTable,
  type ColumnDef, type OnChangeFn, type RowSelectionState,
} from '@tanstack/react-table';
import { useMemo } from 'react';

export interface SortState {
  column: string;
  desc: boolean;
}

/**
 * A table over TanStack Table: headless, so the markup and CSS are ours. Paging and sorting happen on
 * the server (the page passes them in), so the table only renders rows, selection and sortable headers.
 */
export function DataTable<T>({
  columns, data, getRowId, selection, onSelectionChange, sort, onSortChange, sortable = [], onRowOpen, caption,
}: {
  columns: ColumnDef<T, any>[];
  data: T[];
  getRowId: (row: T) => string;
  selection?: RowSelectionState;
  onSelectionChange?: OnChangeFn<RowSelectionState>;
  sort?: SortState;
  onSortChange?: (s: SortState) => void;
  sortable?: string[];
  onRowOpen?: (row: T) => void;
  caption?: string;
}) {
  const selectable = !!onSelectionChange;
  const allColumns = useMemo<ColumnDef<T, any>[]>(() => {
    if (!selectable) return columns;
    const select: ColumnDef<T, any> = {
      id: '_select',
      header: ({ table }) => (
        <input type="checkbox" aria-label="Select all rows on this page" checked={table.getIsAllRowsSelected()}
          ref={(el) => { if (el) el.indeterminate = table.getIsSomeRowsSelected(); }}
          onChange={table.getToggleAllRowsSelectedHandler()} />
      ),
      cell: ({ row }) => (
        <input type="checkbox" aria-label="Select row" checked={row.getIsSelected()} onChange={row.getToggleSelectedHandler()}
          onClick={(e) => e.stopPropagation()} />
      ),
    };
    return [select, ...columns];
  }, [columns, selectable]);

  const table = useReactTable({
    data, columns: allColumns, getRowId, getCoreRowModel: getCoreRowModel(),
    state: { rowSelection: selection ?? {} }, enableRowSelection: selectable, onRowSelectionChange: onSelectionChange,
    manualSorting: true, manualPagination: true,
  });

  return (
    <div className="table-wrap">
      <table className="table">
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => {
                const id = h.column.id;
                const canSort = sortable.includes(id) && onSortChange;
                const active = sort?.column === id;
                return (
                  <th key={h.id} className={id === '_select' ? 'col-select' : undefined}
                    aria-sort={active ? (sort!.desc ? 'descending' : 'ascending') : undefined}>
                    {canSort ? (
                      <button type="button" className="th-sort" onClick={() => onSortChange!({ column: id, desc: active ? !sort!.desc : false })}>
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span aria-hidden className="sort-mark">{active ? (sort!.desc ? '▼' : '▲') : '↕'}</span>
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={onRowOpen ? 'clickable' : undefined} data-selected={row.getIsSelected() || undefined}
              onClick={onRowOpen ? () => onRowOpen(row.original) : undefined}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={cell.column.id === '_select' ? 'col-select' : undefined}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Previous / next over cursor pages: the page keeps the stack of cursors it came through. */
export function CursorPager({ page, hasNext, onPrev, onNext, label }: { page: number; hasNext: boolean; onPrev: () => void; onNext: () => void; label?: string }) {
  if (page === 0 && !hasNext) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={onPrev} disabled={page === 0}>← Previous</button>
      <span className="muted">Page {page + 1}{label ? ` · ${label}` : ''}</span>
      <button type="button" onClick={onNext} disabled={!hasNext}>Next →</button>
    </nav>
  );
}
