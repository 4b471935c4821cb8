/** A minimal XML writer for the Open311 answers: elements with text, nested objects and lists. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
// Characters XML 1.0 does not allow at all (control characters other than tab, newline, carriage return).
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export const escapeXml = (text: string) =>
  text.replace(FORBIDDEN, '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export type XmlValue = string | number | boolean | null | undefined | XmlObject | XmlList;
export interface XmlObject {
  [name: string]: XmlValue;
}
/** A list is written as repeated `item` elements inside its own element. */
export interface XmlList {
  item: string;
  entries: XmlValue[];
}

const isList = (value: XmlValue): value is XmlList =>
  typeof value === 'object' && value !== null && 'item' in value && Array.isArray((value as XmlList).entries);

function element(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (isList(value))
    return `<${name}>${value.entries.map((entry) => element(value.item, entry)).join('')}</${name}>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([child, v]) => element(child, v))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A whole document: the declaration with its encoding, then the root element. */
export function xmlDocument(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}
