// The dashboard's primitives, one per file; import them from "@/app/_components/ui".
export { Card } from "./card";
export { buttonClass, dangerButtonClass, inputClass, secondaryButtonClass } from "./classes";
export { DataTable } from "./data-table";
export { EmptyState } from "./empty-state";
export { LoadMoreFooter } from "./load-more-footer";
export { PageHeader } from "./page-header";
export { ReadOnlyNotice } from "./read-only-notice";
export { Stat } from "./stat";
export { StatusBadge, type Tone } from "./status-badge";
export { ConfirmButton } from "./confirm-button";
export { SaveRow } from "./save-row";
