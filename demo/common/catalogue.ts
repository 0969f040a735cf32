/**
 * The deterministic catalogue every demo system is seeded from, so the
 * storefront, the erp and billing agree on SKUs, orders and amounts without
 * sharing anything at run time. Each system copies what it owns.
 */

export const SKU_COUNT = 1200;
export const CUSTOMER_COUNT = 200;
export const ORDER_COUNT = 500;
export const WAREHOUSES = ['WH-EAST', 'WH-WEST', 'WH-CENTRAL'] as const;
export const CURRENCY = 'USD';

export interface CatalogueVariant {
  id: string;
  sku: string;
  size: string;
  color: string;
}

export interface CatalogueProduct {
  /** Storefront's own id, e.g. "prod_00001". */
  id: string;
  /** The key every system shares, e.g. "SKU-00001". */
  sku: string;
  title: string;
  description: string;
  category: string;
  brand: string;
  status: 'active' | 'draft' | 'archived';
  variants: CatalogueVariant[];
  images: Array<{ url: string; alt: string }>;
  createdAt: string;
  /** Grams, for the erp. */
  weightGrams: number;
}

export interface CatalogueStock {
  sku: string;
  warehouse: (typeof WAREHOUSES)[number];
  onHand: number;
  reserved: number;
}

export interface CataloguePrice {
  sku: string;
  /** Minor units (cents). */
  amountMinor: bigint;
  currency: string;
}

export interface CatalogueCustomer {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: string;
}

export interface CatalogueOrderLine {
  sku: string;
  quantity: number;
}

export interface CatalogueOrder {
  id: string;
  customerId: string;
  status: 'pending' | 'paid' | 'shipped' | 'cancelled';
  lines: CatalogueOrderLine[];
  createdAt: string;
}

export interface Catalogue {
  products: CatalogueProduct[];
  stock: CatalogueStock[];
  prices: CataloguePrice[];
  customers: CatalogueCustomer[];
  orders: CatalogueOrder[];
}

/** mulberry32: tiny, fast and the same on every machine, which is all a seed needs. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADJECTIVES = [
  'Classic',
  'Urban',
  'Alpine',
  'Coastal',
  'Vintage',
  'Modern',
  'Rugged',
  'Everyday',
  'Premium',
  'Light',
];
const NOUNS = [
  'Jacket',
  'Sneaker',
  'Backpack',
  'Hoodie',
  'Watch',
  'Mug',
  'Lamp',
  'Blanket',
  'Bottle',
  'Cap',
  'Scarf',
  'Tee',
];
const CATEGORIES = ['apparel', 'footwear', 'bags', 'accessories', 'home'];
const BRANDS = ['Northwind', 'Acme', 'Globex', 'Initech', 'Umbrella'];
const SIZES = ['S', 'M', 'L', 'XL'];
const COLORS = ['black', 'white', 'navy', 'olive', 'red'];
const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Edsger',
];
const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Dijkstra',
];

const pad = (n: number, width = 5): string => String(n).padStart(width, '0');
const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;
/** Fixed epoch so dates are the same on every run: 2026-01-01T00:00:00Z. */
const EPOCH_MS = Date.UTC(2026, 0, 1);

export function skuOf(n: number): string {
  return `SKU-${pad(n)}`;
}

function buildCatalogue(): Catalogue {
  const random = createRandom(20261124);
  const products: CatalogueProduct[] = [];
  const stock: CatalogueStock[] = [];
  const prices: CataloguePrice[] = [];
  for (let n = 1; n <= SKU_COUNT; n += 1) {
    const sku = skuOf(n);
    const noun = pick(random, NOUNS);
    const variantCount = 1 + Math.floor(random() * 3);
    products.push({
      id: `prod_${pad(n)}`,
      sku,
      title: `${pick(random, ADJECTIVES)} ${noun} ${n}`,
      description: `A ${noun.toLowerCase()} from the demo catalogue, item ${n}.`,
      category: pick(random, CATEGORIES),
      brand: pick(random, BRANDS),
      status: n % 50 === 0 ? 'draft' : n % 97 === 0 ? 'archived' : 'active',
      variants: Array.from({ length: variantCount }, (_, v) => ({
        id: `var_${pad(n)}_${v + 1}`,
        sku: `${sku}-${v + 1}`,
        size: SIZES[v % SIZES.length] as string,
        color: pick(random, COLORS),
      })),
      images: [{ url: `https://images.example.com/${sku.toLowerCase()}.jpg`, alt: `${noun} ${n}` }],
      createdAt: new Date(EPOCH_MS + n * 3_600_000).toISOString(),
      weightGrams: 100 + Math.floor(random() * 2900),
    });
    for (const warehouse of WAREHOUSES) {
      const onHand = Math.floor(random() * 200);
      stock.push({ sku, warehouse, onHand, reserved: Math.floor(onHand * random() * 0.3) });
    }
    prices.push({
      sku,
      amountMinor: BigInt(199 + Math.floor(random() * 49_800)),
      currency: CURRENCY,
    });
  }

  const customers: CatalogueCustomer[] = Array.from({ length: CUSTOMER_COUNT }, (_, i) => {
    const firstName = FIRST_NAMES[i % FIRST_NAMES.length] as string;
    const lastName = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length] as string;
    return {
      id: `cus_${pad(i + 1, 4)}`,
      email: `${firstName}.${lastName}.${i + 1}@example.com`.toLowerCase(),
      firstName,
      lastName,
      createdAt: new Date(EPOCH_MS + i * 86_400_000).toISOString(),
    };
  });

  const statuses: CatalogueOrder['status'][] = ['pending', 'paid', 'shipped', 'cancelled'];
  const orders: CatalogueOrder[] = Array.from({ length: ORDER_COUNT }, (_, i) => {
    const lineCount = 1 + Math.floor(random() * 4);
    const lines: CatalogueOrderLine[] = [];
    for (let l = 0; l < lineCount; l += 1) {
      const sku = skuOf(1 + Math.floor(random() * SKU_COUNT));
      if (!lines.some((line) => line.sku === sku))
        lines.push({ sku, quantity: 1 + Math.floor(random() * 3) });
    }
    return {
      id: `ord_${pad(i + 1)}`,
      customerId: `cus_${pad((i % CUSTOMER_COUNT) + 1, 4)}`,
      status: pick(random, statuses),
      lines,
      createdAt: new Date(EPOCH_MS + i * 1_800_000).toISOString(),
    };
  });

  return { products, stock, prices, customers, orders };
}

let memo: Catalogue | undefined;

/**
 * The seed data. Callers get a deep copy, so one system's writes never leak
 * into another's store (they run in one process in the demo and the tests).
 */
export function catalogue(): Catalogue {
  memo ??= buildCatalogue();
  return structuredClone(memo);
}
