import type { ColumnType } from 'kysely';

/** The tables Larder keeps. Each module owns its own tables and reaches others through functions. */
export interface Database {
  foods: FoodsTable;
  larder_meta: MetaTable;
  oauth_models: OAuthModelsTable;
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
}
