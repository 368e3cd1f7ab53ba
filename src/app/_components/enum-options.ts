import { statusLabel } from "@/app/_components/format";

/** A Prisma enum's values as select options, in the schema's order, labelled as words. */
export function enumOptions<Value extends string>(
  values: Record<string, Value>,
  labels?: Record<Value, string>,
  except: readonly Value[] = [],
) {
  return Object.values(values)
    .filter((value) => !except.includes(value))
    .map((value) => ({ value, label: labels?.[value] ?? statusLabel(value) }));
}

/** Narrows a select's string to one of the enum's values, or undefined for "any". */
export function enumValue<Value extends string>(values: Record<string, Value>, raw: string): Value | undefined {
  return (Object.values(values) as string[]).includes(raw) ? (raw as Value) : undefined;
}
