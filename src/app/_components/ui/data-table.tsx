import { Children, cloneElement, isValidElement } from "react";

type Column = string | { label: string; align: "right" };

const labelOf = (column: Column | undefined) => (typeof column === "string" ? column : (column?.label ?? ""));

/**
 * Gives each cell of each row its column's name (data-label), so the `table-cards` styles can
 * show it above the value when the rows become cards; `first` marks the cell a card leads with.
 */
function labelCells(rows: React.ReactNode, columns: Column[], first: number | undefined) {
  return Children.map(rows, (row) => {
    if (!isValidElement<{ children?: React.ReactNode }>(row) || row.type !== "tr") return row;
    const cells = Children.map(row.props.children, (cell, index) =>
      isValidElement(cell)
        ? cloneElement(cell as React.ReactElement<Record<string, unknown>>, {
            "data-label": labelOf(columns[index]),
            "data-card-first": index === first ? "" : undefined,
          })
        : cell,
    );
    return cloneElement(row, {}, cells);
  });
}

/**
 * A bordered table with column headers; rows are the children. Wide tables scroll inside their
 * border. With `cards`, below the sm breakpoint each row becomes a card (column names above the
 * values, the `cards.first` column leading, e.g. the status), so nothing hides off-screen on a phone.
 */
export function DataTable({
  columns,
  children,
  footer,
  cards,
  label,
}: {
  columns: Column[];
  children: React.ReactNode;
  footer?: React.ReactNode;
  cards?: { first?: number };
  /** The table's accessible name. */
  label?: string;
}) {
  return (
    <div className="relative overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
      <table
        aria-label={label}
        className={["min-w-full divide-y divide-slate-200 text-sm", cards ? "table-cards" : ""].join(" ")}
      >
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
          <tr>
            {columns.map((column) => {
              const { label: heading, align } =
                typeof column === "string" ? { label: column, align: undefined } : column;
              return (
                <th
                  key={heading}
                  scope="col"
                  className={["px-4 py-3", align === "right" ? "text-right" : ""].join(" ")}
                >
                  {heading}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {cards ? labelCells(children, columns, cards.first) : children}
        </tbody>
      </table>
      {footer}
    </div>
  );
}
