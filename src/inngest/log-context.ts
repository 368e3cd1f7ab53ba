import { Middleware } from "inngest";
import { withLogContext, type LogBindings } from "@/server/logger";

/** The ids a pipeline event carries (src/inngest/event-schemas.ts), as log fields. */
export function runLogBindings(ctx: { runId?: string; event?: { data?: unknown }; fn?: string }): LogBindings {
  const data = (ctx.event?.data ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" && value ? value.slice(0, 100) : undefined);
  return {
    area: "inngest",
    runID: text(ctx.runId),
    fn: text(ctx.fn),
    tenantId: text(data.tenantId),
    connectionId: text(data.connectionId),
    eventId: text(data.webhookEventId),
  };
}

/**
 * Every line logged while a function runs carries its tenant, connection and event ids, whether
 * through the handler's `logger` (the app's pino logger, given to the client) or from the modules
 * it calls. Inngest's own lines for a failed step or run carry its runID and event name.
 */
export class LogContextMiddleware extends Middleware.BaseMiddleware {
  override readonly id = "stockhook:log-context";

  override wrapFunctionHandler({ ctx, fn, next }: Middleware.WrapFunctionHandlerArgs) {
    return withLogContext(runLogBindings({ runId: ctx.runId, event: ctx.event, fn: fn.id() }), () => next());
  }

  // The SDK runs a step's callback outside the handler's async context: it needs its own.
  override wrapStepHandler({ ctx, fn, next }: Middleware.WrapStepHandlerArgs) {
    return withLogContext(runLogBindings({ runId: ctx.runId, event: ctx.event, fn: fn.id() }), () => next());
  }
}
