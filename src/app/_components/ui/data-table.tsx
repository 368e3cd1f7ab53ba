/** A bordered, horizontally scrollable table with column headers; rows are the children. */
export function DataTable({
  columns,
  children,
  footer,
}: {
  columns: (string | { label: string; align: "right" })[];
  children: React.ReactNode;
  footer?: React.ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
          <tr>
            {columns.map((column) => {
              const { label, align } = typeof column === "string" ? { label: column, align: undefined } : column;
              return (
                <th key={label} scope="col" className={`px-4 py-3${align === "right" ? "text-right" : ""}`}>
                  {label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
      {footer}
    </div>
  );
}
