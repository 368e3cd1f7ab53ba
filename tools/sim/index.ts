export { createSimulator, type Simulator, type SimulatorOptions } from "./server";
export { emitWebhook, type EmitWebhookOptions, type EmitWebhookResult } from "./webhooks";
export { type SimControls, type ItemView, type StoreView } from "./control";
export { type StockChangeKind } from "./http";
export {
  SimStore,
  StoreRegistry,
  SIM_PROVIDERS,
  parseProvider,
  storeKey,
  type SimProvider,
  type StoreSpec,
  type StoreControls,
  type Outage,
  type RequestStats,
} from "./store";
export { Catalogue, MAX_CATALOGUE_SIZE, type ItemSpec, type SimItem } from "./catalogue";
export { connectorConfigFor, CONNECTOR_PROVIDER, type SimConnectorConfig } from "./connector-config";
export { externalIdOf } from "./providers";
export { demoStoreSpecs, DEMO_STORE_ID } from "./demo";
