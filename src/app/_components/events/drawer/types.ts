import type { RouterOutputs } from "@/trpc/types";

export type EventDetail = RouterOutputs["event"]["byId"];
export type EventRun = RouterOutputs["event"]["inngestRun"];
