export { safeCallbackPath } from "@/shared/callback-url";
