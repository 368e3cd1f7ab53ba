/**
 * The demo gallery's items, shared by the seed and the platform simulators (which run as plain
 * Node tools, so this module imports nothing server-only).
 */
export interface DemoItem {
  sku: string;
  title: string;
  quantity: number;
  oneOfAKind: boolean;
  samId: string;
  wooProductId: string;
  shopifyInventoryItemId: string;
}

const ARTISTS = ["Ines Marlow", "Tomas Verde", "Aiko Hart", "Lena Ostrova", "Ravi Sol", "June Calder"];
const SUBJECTS = [
  "Harbour at Dusk",
  "Salt Marsh",
  "Red Kite",
  "Quiet Room",
  "Low Tide",
  "Blue Hour",
  "Northern Field",
  "Paper Moon",
  "Still Life with Pears",
  "Estuary",
];

export function demoCatalogue(): DemoItem[] {
  const artworks = Array.from({ length: 30 }, (_, i) => ({
    sku: `ART-${String(i + 1).padStart(4, "0")}`,
    title: `${SUBJECTS[i % SUBJECTS.length]} ${Math.floor(i / SUBJECTS.length) + 1} — ${ARTISTS[i % ARTISTS.length]}`,
    quantity: 1,
    oneOfAKind: true,
  }));
  const prints = Array.from({ length: 12 }, (_, i) => ({
    sku: `PRINT-${String(i + 1).padStart(3, "0")}`,
    title: `${SUBJECTS[i % SUBJECTS.length]} (giclée print, edition)`,
    quantity: 5 + ((i * 7) % 16),
    oneOfAKind: false,
  }));
  return [...artworks, ...prints].map((item, index) => ({
    ...item,
    samId: String(1001 + index),
    wooProductId: String(501 + index),
    shopifyInventoryItemId: String(44_000_001 + index),
  }));
}
