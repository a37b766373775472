import type { ComplexAttributeConverter } from 'lit';

/**
 * Reads a numeric attribute but keeps a value that is not a number as the raw string, so the
 * element can report exactly what the page wrote (`max-new-tokens="lots"`) instead of `NaN`.
 */
export const numberAttribute: ComplexAttributeConverter<number | string | undefined> = {
  fromAttribute(value: string | null) {
    if (value === null) return undefined;
    const number = Number(value);
    return value.trim() !== '' && Number.isFinite(number) ? number : value;
  },
  toAttribute(value: number | string | undefined) {
    return value === undefined ? null : String(value);
  },
};
