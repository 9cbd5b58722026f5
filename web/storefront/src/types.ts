// The portal API's answers, as `/portal/...` serves them (see functions/portal_api).
export interface Line {
  product_id: number;
  variant_id: number | null;
  name: string;
  quantity: number;
  price_inc_tax: string;
}

export interface Subscription {
  id: string;
  status: string;
  cadence_label: string;
  currency: string;
  lines: Line[];
  next_cycle: number;
  next_renewal_at: string;
  paid_cycles: number;
  commitment_count: number;
  shipping_address: Record<string, string> | null;
  resume_at: string | null;
  cancel_at: string | null;
  /** The shopper's own roles on it, and what those let them do (decided by the API). */
  roles: string[];
  allowed_actions: string[];
  payer_customer_id: number;
  beneficiary_customer_id: number;
}

export interface CancelAnswer extends Subscription {
  early_cancel_fee: string | null;
}

export interface Card {
  token: string;
  type: string;
  brand: string;
  last_4: string;
  expiry_month: number | null;
  expiry_year: number | null;
  is_default: boolean;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface CustomFieldDefinition {
  key: string;
  type: "text" | "number" | "boolean" | "date" | "enum" | "json";
  label: string;
  description: string;
  required: boolean;
  choices: string[];
  editable_by_subscriber: boolean;
  archived: boolean;
}

/** The fields the merchant lets subscribers see, and their values. */
export interface CustomFieldValues {
  subscription_id: string;
  values: Record<string, unknown>;
  definitions: CustomFieldDefinition[];
}

export interface ListedError {
  key: string;
  code: string;
  message: string;
}

export interface ErrorBody {
  error?: string;
  message?: string;
  status?: string;
  command?: string;
  earliest_cancel_at?: string;
  remaining_cycles?: number;
  window_opens_at?: string;
  fields?: FieldError[];
  errors?: ListedError[];
  roles?: string[];
  action?: string;
}
