/**
 * One area's messages in both languages. Each area owns its own top-level keys (`tasks`, `orgAdmin`, …),
 * so areas can be written side by side; `en` must have exactly the shape of `ko`.
 */
export type Messages = { [key: string]: string | Messages };

type SameShape<T> = { [K in keyof T]: T[K] extends string ? string : SameShape<T[K]> };

export interface LocaleBundle<Ko extends Messages = Messages> {
  ko: Ko;
  en: SameShape<Ko>;
}

export function defineBundle<Ko extends Messages>(ko: Ko, en: SameShape<Ko>): LocaleBundle<Ko> {
  return { ko, en };
}
