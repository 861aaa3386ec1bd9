/**
 * A small, tolerant XML reader for news feeds (RSS 2.0, RSS 1.0/RDF, Atom): elements, attributes, text,
 * CDATA, comments, processing instructions and a DOCTYPE (skipped). It decodes the XML entities, numeric
 * character references and the handful of HTML entities feeds use in practice (`&nbsp;`, `&mdash;`, …);
 * an unknown entity is kept as written. A close tag that matches an enclosing element closes the elements
 * left open inside it (feeds carry unclosed HTML such as `<br>`), and a stray close tag is skipped. What it
 * refuses, as {@link XmlError} with a line and column: no root element, a tag that never ends, an unclosed
 * comment, CDATA section or attribute, and a document that ends with elements still open (a truncated
 * download).
 */

/** An element: its name as written (with any prefix, e.g. `dc:date`), attributes, children in order, and the line of its start tag. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: (XmlElement | string)[];
  readonly line: number;
}

/** Malformed XML at a 1-based line and column. */
export class XmlError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`malformed XML at line ${line}, column ${column}: ${detail}`);
    this.name = 'XmlError';
  }
}

const HTML_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
  nbsp: '\u00a0', ndash: '\u2013', mdash: '\u2014', lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d',
  hellip: '\u2026', copy: '\u00a9', reg: '\u00ae', trade: '\u2122', euro: '\u20ac', pound: '\u00a3', middot: '\u00b7', bull: '\u2022',
};

/**
 * Decodes entities and character references (`&amp;`, `&#39;`, `&#x2019;`, `&rsquo;`); unknown or invalid
 * ones are left as written.
 *
 * @example
 * decodeEntities('AT&amp;T &#8217;s &lt;b&gt;'); // 'AT&T ’s <b>'
 */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return HTML_ENTITIES[ref] ?? HTML_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/**
 * Parses a document and returns its root element.
 *
 * @throws XmlError for the malformations listed in the module comment
 *
 * @example
 * const root = parseXml('<rss><channel><title>Fed</title></channel></rss>');
 * textOf(child(child(root, 'channel')!, 'title')!); // 'Fed'
 */
export function parseXml(text: string): XmlElement {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineStarts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (at: number): number => {
    let [lo, hi] = [0, lineStarts.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const fail = (at: number, detail: string): never => {
    const line = lineOf(at);
    throw new XmlError(line, at - lineStarts[line - 1] + 1, detail);
  };
  const until = (from: number, marker: string, what: string): number => {
    const end = src.indexOf(marker, from);
    if (end < 0) fail(from, `${what} is not closed (expected "${marker}")`);
    return end;
  };

  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];
  const addText = (s: string): void => {
    if (stack.length > 0 && s !== '') stack[stack.length - 1].children.push(s);
  };
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const textEnd = lt < 0 ? src.length : lt;
    if (textEnd > i) addText(decodeEntities(src.slice(i, textEnd)));
    if (lt < 0) break;
    i = lt;
    if (src.startsWith('<!--', i)) {
      i = until(i + 4, '-->', 'a comment') + 3;
    } else if (src.startsWith('<![CDATA[', i)) {
      const end = until(i + 9, ']]>', 'a CDATA section');
      addText(src.slice(i + 9, end));
      i = end + 3;
    } else if (src.startsWith('<?', i)) {
      i = until(i + 2, '?>', 'a processing instruction') + 2;
    } else if (src.startsWith('<!', i)) {
      i = skipDeclaration(src, i, fail);
    } else if (src[i + 1] === '/') {
      const end = until(i, '>', 'a close tag');
      const name = src.slice(i + 2, end).trim();
      const open = stack.map((e) => e.name).lastIndexOf(name);
      // Close what the tag names and anything left open inside it; a close tag matching nothing is skipped.
      if (open >= 0) stack.length = open;
      i = end + 1;
    } else {
      const tag = readTag(src, i, fail);
      const element: XmlElement = { name: tag.name, attrs: tag.attrs, children: [], line: lineOf(i) };
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else if (root === undefined) root = element;
      else fail(i, `a second root element <${tag.name}> after </${root.name}>`);
      if (!tag.selfClosing) stack.push(element);
      i = tag.end;
    }
  }
  if (root === undefined) fail(src.length, 'no root element (is this an XML feed?)');
  if (stack.length > 0) {
    const top = stack[stack.length - 1];
    fail(src.length, `the document ends inside <${top.name}> opened on line ${top.line} (truncated?)`);
  }
  return root as XmlElement;
}

/** `<!DOCTYPE …>` with an optional internal subset `[ … ]`, or any other `<!…>` declaration. */
function skipDeclaration(src: string, start: number, fail: (at: number, detail: string) => never): number {
  let depth = 0;
  for (let i = start + 2; i < src.length; i++) {
    const c = src[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) return i + 1;
  }
  return fail(start, 'a declaration (<!…>) is not closed');
}

const NAME_RE = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

function readTag(src: string, start: number, fail: (at: number, detail: string) => never): { name: string; attrs: Record<string, string>; selfClosing: boolean; end: number } {
  NAME_RE.lastIndex = start + 1;
  const m = NAME_RE.exec(src);
  if (m === null) fail(start, `"<" is not followed by a tag name (write &lt; for a literal "<")`);
  const name = (m as RegExpExecArray)[0];
  const attrs: Record<string, string> = {};
  let i = start + 1 + name.length;
  for (;;) {
    while (i < src.length && /\s/.test(src[i])) i++;
    if (i >= src.length) fail(start, `the tag <${name}> never ends`);
    if (src[i] === '>') return { name, attrs, selfClosing: false, end: i + 1 };
    if (src.startsWith('/>', i)) return { name, attrs, selfClosing: true, end: i + 2 };
    if (src[i] === '<') fail(start, `the tag <${name}> never ends`);
    NAME_RE.lastIndex = i;
    const a = NAME_RE.exec(src);
    if (a === null) {
      i++; // tolerate junk between attributes
      continue;
    }
    const key = a[0];
    i += key.length;
    while (i < src.length && /\s/.test(src[i])) i++;
    if (src[i] !== '=') {
      attrs[key] = ''; // an HTML-style attribute without a value
      continue;
    }
    i++;
    while (i < src.length && /\s/.test(src[i])) i++;
    const quote = src[i];
    if (quote === '"' || quote === "'") {
      const end = src.indexOf(quote, i + 1);
      if (end < 0) fail(i, `the value of attribute ${key} of <${name}> is not closed`);
      attrs[key] = decodeEntities(src.slice(i + 1, end));
      i = end + 1;
    } else {
      const m2 = /[^\s>]*/y;
      m2.lastIndex = i;
      const v = (m2.exec(src) as RegExpExecArray)[0].replace(/\/$/, '');
      attrs[key] = decodeEntities(v);
      i += v.length;
    }
  }
}

/** The local name, without a namespace prefix (`dc:date` → `date`). */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Child elements, optionally only those with this name (matched with its prefix if `name` has one, else by local name without a prefix). */
export function children(el: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== 'string' && (name === undefined || c.name === name)) out.push(c);
  return out;
}

/** The first child element with this name (see {@link children}). */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return children(el, name)[0];
}

/** All text inside an element, its descendants' included, in document order. */
export function textOf(el: XmlElement): string {
  let s = '';
  for (const c of el.children) s += typeof c === 'string' ? c : textOf(c);
  return s;
}
