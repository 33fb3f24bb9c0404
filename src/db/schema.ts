import type { ColumnType } from 'kysely';
import type { Plan } from '../accounts/plans.js';

/** The tables Larder keeps. Each module owns its own tables and reaches others through functions. */
export interface Database {
  api_usage_daily: ApiUsageDailyTable;
  change_feed: ChangeFeedTable;
  diary_entries: DiaryEntriesTable;
  diary_goals: DiaryGoalsTable;
  foods: FoodsTable;
  food_slugs: FoodSlugsTable;
  larder_meta: MetaTable;
  oauth_models: OAuthModelsTable;
  oauth_clients: OAuthClientsTable;
  api_requests: ApiRequestsTable;
  users: UsersTable;
  sessions: SessionsTable;
  rate_limits: RateLimitsTable;
  account_tokens: AccountTokensTable;
  account_secrets: AccountSecretsTable;
  search_misses: SearchMissesTable;
}

export interface FoodsTable {
  /** Stable across re-imports and installations: derived from the source dataset and its own id. */
  id: string;
  slug: string;
  name: string;
  food_group: string;
  dataset: string;
  source_id: string;
  /** JSON object: nutrient key -> amount per 100 g edible portion. */
  nutrients: string;
  /** JSON array of household portions: [{ label, grams }]. */
  portions: string;
  /** Extra words a person may search by (common names, brand owner). */
  search_terms: string;
  updated_at: string;
  /** From 0012: what the source says beyond the name (SR28 ComName, ManufacName, SciName). */
  common_names: ColumnType<string, string | undefined, string>;
  manufacturer: ColumnType<string, string | undefined, string>;
  scientific_name: ColumnType<string, string | undefined, string>;
  /** SR28's survey flag, 1 or 0; null when the dataset does not say. */
  survey: ColumnType<number | null, number | null | undefined, number | null>;
  refuse_percent: ColumnType<number | null, number | null | undefined, number | null>;
  refuse_description: ColumnType<string, string | undefined, string>;
}

/** Every slug a food has been served under (0012): old links lead to the food's current page. */
export interface FoodSlugsTable {
  slug: string;
  food_id: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

/**
 * One row per stored oidc-provider model instance (src/oauth/adapter.ts).
 * Times are integer epoch seconds; PostgreSQL returns `bigint` as a string, hence the
 * wider select type.
 */
export interface OAuthModelsTable {
  /** oidc-provider model name: AccessToken, Grant, Session, Interaction, ... */
  model: string;
  id: string;
  /** The payload oidc-provider gave to upsert, as JSON text. */
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: ColumnType<number | string | null, number | null, number | null>;
  consumed_at: ColumnType<number | string | null, number | null, number | null>;
  /** From the payload's clientId / accountId (0004), so grants are found by index. */
  client_id: ColumnType<string | null, string | null | undefined, string | null>;
  account_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** OAuth clients (src/oauth/clients.ts). */
export interface OAuthClientsTable {
  client_id: string;
  name: string;
  secret_hash: string | null;
  /** JSON array of URIs. */
  redirect_uris: string;
  /** Space-separated. */
  scopes: string;
  is_public: number;
  /** Space-separated. */
  grant_types: string;
  created_at: string;
  updated_at: string;
  /** How the client came to be (0030): the operator's, self-registered (RFC 7591) or a metadata document URL. */
  registration: ColumnType<'operator' | 'self' | 'metadata_document', 'operator' | 'self' | 'metadata_document' | undefined, 'operator' | 'self' | 'metadata_document'>;
  token_endpoint_auth_method: ColumnType<string | null, string | null | undefined, string | null>;
  last_used_at: ColumnType<string | null, string | null | undefined, string | null>;
  metadata_expires_at: ColumnType<string | null, string | null | undefined, string | null>;
  metadata_etag: ColumnType<string | null, string | null | undefined, string | null>;
}


/** One row per API request (src/api/usage.ts); never the token. */
export interface ApiRequestsTable {
  id: ColumnType<number | string, never, never>;
  user_id: string;
  client_id: string;
  grant_id: string | null;
  method: string;
  route: string;
  status: number;
  duration_ms: number;
  /** Epoch milliseconds. */
  created_at: ColumnType<number | string, number, number>;
  /** From 0050: JSON summary of what the request did (src/api/activity.ts); null before. */
  activity: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A person with a Larder account (src/accounts/). Times are ISO 8601 UTC strings. */
export interface UsersTable {
  /** `usr_` + 16 random bytes, base64url. */
  id: string;
  /** Trimmed and lower-cased, unique. */
  email: string;
  name: string;
  /** argon2id PHC string. */
  password_hash: string;
  plan: Plan;
  time_zone: ColumnType<string, string | undefined, string>;
  created_at: string;
}

/** A logged-in browser. The id is the SHA-256 (hex) of the cookie value, never the value. */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

/** Rate-limit windows shared by every instance (src/limits, migration 0021). */
export interface RateLimitsTable {
  /** SHA-256 (base64url) of the key. */
  key: string;
  count: number;
  /** Epoch milliseconds. */
  window_ends_at: ColumnType<number | string, number, number>;
}

/** One-time account links (src/accounts/account-tokens.ts); the id is the SHA-256 of the link's token. */
export interface AccountTokensTable {
  id: string;
  purpose: string;
  user_id: string | null;
  email: string;
  /** JSON. */
  data: string;
  created_at: string;
  expires_at: string;
}

/** Random keys generated by migrations 0003 (`csrf`: signs the pre-session CSRF cookie) and 0021 (`device`: signs known-browser cookies). */
export interface AccountSecretsTable {
  name: string;
  value: string;
}

/** A food diary entry: what was eaten, as it was when logged (module diary). */
export interface DiaryEntriesTable {
  id: string;
  user_id: string;
  entry_date: string;
  meal: string;
  food_id: string;
  food_name: string;
  amount_label: string;
  grams: number;
  nutrients: string;
  client_id: string | null;
  idempotency_key: string | null;
  request_fingerprint: string | null;
  created_at: string;
  /** From 0013: which reading of an ambiguous portion was logged. */
  portion_note: ColumnType<string | null, string | null | undefined, string | null>;
  /** From 0051: the person's own note on the entry. */
  note: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DiaryGoalsTable {
  user_id: string;
  goals: string;
  updated_at: string;
}

/** Requests per person per UTC day (YYYY-MM-DD), for quotas (module api). */
export interface ApiUsageDailyTable {
  user_id: string;
  day: string;
  requests: number;
}

/** Changes other processes may hold a stale copy of (src/changes/feed.ts). */
export interface ChangeFeedTable {
  seq: ColumnType<number | string, never, never>;
  /** `grant`, `token` (the SHA-256 of an access token), `client` or `account`. */
  kind: string;
  key: string;
  /** Epoch milliseconds. */
  created_at: ColumnType<number | string, number, number>;
}

/** From 0060: searches with no close match, per UTC day and normalized query (catalog/search-misses.ts). */
export interface SearchMissesTable {
  day: string;
  query: string;
  searches: number;
}
