/** The storefront's records, shaped exactly as the API answers them (see openapi.yaml). */

export interface Money {
  /** Minor units (cents). Always a safe integer here. */
  amountMinor: number;
  currency: string;
}

export type ProductStatus = 'active' | 'draft' | 'archived';

export interface Product {
  id: string;
  sku: string;
  title: string;
  description: string;
  category: string;
  brand: string;
  status: ProductStatus;
  price: Money;
  compareAtPrice: Money | null;
  variants: Array<{ id: string; sku: string; size: string; color: string }>;
  images: Array<{ url: string; alt: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface Customer {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  createdAt: string;
}

export type NewCustomer = Pick<Customer, 'email' | 'firstName' | 'lastName' | 'phone'>;

export type OrderStatus = 'pending' | 'paid' | 'shipped' | 'cancelled';

export type PaymentMethod =
  | { type: 'card'; brand: 'visa' | 'mastercard' | 'amex'; last4: string }
  | { type: 'invoice'; termsDays: 14 | 30 | 60; purchaseOrder: string | null }
  | { type: 'gift_card'; code: string };

export interface OrderLine {
  sku: string;
  quantity: number;
  title: string;
  unitPrice: Money;
  lineTotal: Money;
}

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  lines: OrderLine[];
  total: Money;
  payment: PaymentMethod;
  note: string | null;
  createdAt: string;
  updatedAt: string;
  shippedAt: string | null;
  cancelledAt: string | null;
  cancellationReason: string | null;
  /** The partner the order was placed through (its token's partner); null when placed first-party. */
  channel: string | null;
}

export interface NewOrder {
  customerId: string;
  lines: Array<{ sku: string; quantity: number }>;
  payment: PaymentMethod;
  note: string | null;
  channel: string | null;
}
