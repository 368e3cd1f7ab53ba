export {
  PAUSED_PHRASE,
  pushProgress,
  type PushPhase,
  type PushProgress,
  type PushProgressInput,
} from "@/shared/push-progress";
