/**
 * How an importer reports progress: bytes read so far of the input's total size
 * (compressed bytes for a .gz file). `total` is undefined when the size is unknown.
 */
export type ProgressCallback = (done: number, total: number | undefined) => void;

export interface ImportOptions {
  onProgress?: ProgressCallback;
}
