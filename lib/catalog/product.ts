export type Product = { sku: string; name: string; priceCents: number; currency: string; stock: number };
